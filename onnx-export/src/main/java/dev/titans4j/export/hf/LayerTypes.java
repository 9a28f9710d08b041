package dev.titans4j.export.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.IntPredicate;

/**
 * transformers' {@code layer_types}: one {@code "full_attention"} or {@code "sliding_attention"} per layer. When
 * config.json lists them they win; otherwise the config class derives them (each family passes its rule).
 */
final class LayerTypes {

    static final String FULL = "full_attention";
    static final String SLIDING = "sliding_attention";

    private LayerTypes() {
    }

    /** Whether layer i slides: config.json's {@code layer_types} when present, else {@code derived}. */
    static IntPredicate sliding(JsonFile config, int numLayers, IntPredicate derived) throws ModelConfigException {
        JsonNode node = config.node("layer_types");
        if (node.isMissingNode() || node.isNull()) {
            return derived;
        }
        if (!node.isArray() || node.size() != numLayers) {
            throw config.error("layer_types", "must list one type per layer (" + numLayers + "), found " + node);
        }
        boolean[] sliding = new boolean[numLayers];
        for (int i = 0; i < numLayers; i++) {
            String type = node.get(i).asText();
            if (!type.equals(FULL) && !type.equals(SLIDING)) {
                throw config.error("layer_types", "entry " + i + " is " + node.get(i) + "; supported: \"" + FULL
                        + "\", \"" + SLIDING + "\"");
            }
            sliding[i] = type.equals(SLIDING);
        }
        return i -> sliding[i];
    }
}
