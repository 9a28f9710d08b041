package dev.titans4j.export.hf;

import java.util.function.IntPredicate;

/**
 * transformers' sliding-window attention settings, as the config classes share them: {@code sliding_window} (the
 * class's default when the key is absent, no window when it is null) and, for families that slide per layer, which
 * layers use it ({@code layer_types} when config.json lists them, else the class's own rule). A family states only
 * its default, what gates the window (Qwen3's {@code use_sliding_window}) and its rule.
 */
final class SlidingWindow {

    static final String KEY = "sliding_window";

    private SlidingWindow() {
    }

    /** {@code sliding_window}: {@code defaultSize} when the key is absent, none when it is null, else positive. */
    static Integer size(JsonFile config, Integer defaultSize) throws ModelConfigException {
        if (config.node(KEY).isMissingNode()) {
            return defaultSize;
        }
        return config.has(KEY) ? config.positiveInt(KEY) : null;
    }

    /**
     * Which layers slide: {@code layer_types} when config.json lists them, else {@code rule}, the config class's own
     * (null: no layer slides, so an absurd num_hidden_layers is not scanned before the checkpoint check).
     */
    static Layers layers(JsonFile config, int numLayers, IntPredicate rule) throws ModelConfigException {
        boolean listed = config.has("layer_types");
        IntPredicate sliding = LayerTypes.sliding(config, numLayers, rule == null ? i -> false : rule);
        int first = listed || rule != null ? firstSliding(sliding, numLayers) : -1;
        return new Layers(sliding, first, listed);
    }

    /** The first layer that slides, or -1 (tested up to the first hit, so a rule stays cheap). */
    private static int firstSliding(IntPredicate sliding, int numLayers) {
        for (int i = 0; i < numLayers; i++) {
            if (sliding.test(i)) {
                return i;
            }
        }
        return -1;
    }

    /** The sliding layers, the first of them (-1: none) and whether {@code layer_types} listed them. */
    record Layers(IntPredicate sliding, int first, boolean listed) {

        boolean slides(int layer) {
            return sliding.test(layer);
        }

        boolean any() {
            return first >= 0;
        }

        /** {@link #window(JsonFile, Integer, String)} where only a null {@code sliding_window} means none. */
        Integer window(JsonFile config, Integer size) throws ModelConfigException {
            return window(config, size, KEY + " is null");
        }

        /**
         * The sliding layers' window: {@code size}, or null when no layer slides. A sliding layer without one is an
         * error: transformers would have no window for it; {@code noWindow} says why there is none.
         */
        Integer window(JsonFile config, Integer size, String noWindow) throws ModelConfigException {
            if (!any()) {
                return null;
            }
            if (size == null) {
                throw listed ? config.error("layer_types", "marks layer " + first + " sliding_attention, but "
                        + noWindow + ": transformers has no window for it")
                        : config.error(KEY, "is null, but there are sliding_attention layers");
            }
            return size;
        }
    }
}
