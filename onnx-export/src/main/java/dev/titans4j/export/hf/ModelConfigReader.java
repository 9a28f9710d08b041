package dev.titans4j.export.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link ModelConfig} from a Hugging Face folder, applying the defaults of transformers' LlamaConfig,
 * MistralConfig and Qwen2Config where a key is absent, and rejecting what the exporter cannot reproduce exactly.
 */
final class ModelConfigReader {

    static final String CONFIG = "config.json";
    static final String GENERATION_CONFIG = "generation_config.json";
    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    static final String CHAT_TEMPLATE_FILE = "chat_template.jinja";

    /** transformers' MistralConfig default when {@code sliding_window} is absent (an explicit null means none). */
    static final int MISTRAL_DEFAULT_SLIDING_WINDOW = 4096;

    /**
     * The cos and sin tables (max_position_embeddings x head_dim / 2 each) are built in memory and stored in the
     * graph; 2^28 values (1 GiB as float32) allows 4M positions at head_dim 128, beyond any supported model.
     */
    static final long MAX_ROTARY_TABLE_VALUES = 1L << 28;

    private ModelConfigReader() {
    }

    static ModelConfig read(Path dir) throws IOException {
        JsonFile config = JsonFile.read(dir, CONFIG);
        JsonFile generation = JsonFile.readOptional(dir, GENERATION_CONFIG);
        JsonFile tokenizer = JsonFile.readOptional(dir, TOKENIZER_CONFIG);

        Architecture arch = architecture(config);
        String modelType = config.optionalString("model_type", arch.modelType());

        int hidden = config.positiveInt("hidden_size");
        int intermediate = config.positiveInt("intermediate_size");
        int layers = config.positiveInt("num_hidden_layers");
        int heads = config.positiveInt("num_attention_heads");
        int kvHeads = config.positiveInt("num_key_value_heads", defaultKvHeads(arch, heads));
        int vocab = config.positiveInt("vocab_size");
        if (heads % kvHeads != 0) {
            throw config.error("num_attention_heads", "(" + heads + ") is not a multiple of num_key_value_heads ("
                    + kvHeads + ")");
        }
        int headDim = headDim(config, hidden, heads);

        double eps = config.optionalDouble("rms_norm_eps", 1e-6);
        if (!(eps > 0)) {
            throw config.error("rms_norm_eps", "must be positive, found " + eps);
        }
        String act = config.optionalString("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw config.error("hidden_act", "is '" + act + "'; only silu (SwiGLU) is supported");
        }
        RopeSettings rope = RopeSettings.read(config);

        // Qwen2: q/k/v biases always, none on o_proj; Llama: attention_bias switches all four; Mistral: none
        boolean llama = arch == Architecture.LLAMA;
        boolean llamaBias = llama && config.optionalBoolean("attention_bias", false);
        boolean qkvBias = arch == Architecture.QWEN2 || llamaBias;
        if (llama && config.optionalBoolean("mlp_bias", false)) {
            throw config.error("mlp_bias", "is true; MLP biases are not supported");
        }

        int maxPositions = config.positiveInt("max_position_embeddings", defaultMaxPositions(arch));
        long rotaryValues = (long) maxPositions * (headDim / 2);
        if (rotaryValues > MAX_ROTARY_TABLE_VALUES) {
            throw config.error("max_position_embeddings", maxPositions + " with head_dim " + headDim + " needs rotary"
                    + " tables of " + rotaryValues + " values, more than the " + MAX_ROTARY_TABLE_VALUES
                    + " the exporter builds (1 GiB a table)");
        }
        SpecialTokens tokens = SpecialTokens.read(config, generation, arch, vocab);

        return new ModelConfig(arch.className(), modelType, hidden, intermediate, layers, heads, kvHeads, headDim,
                vocab, eps, rope.theta(), rope.scaling(), config.optionalBoolean("tie_word_embeddings", false),
                qkvBias, llamaBias, false, slidingWindow(config, arch), maxPositions, tokens.bos(), tokens.eos(),
                tokens.pad(), act,
                tokenizer.optionalBoolean("add_bos_token", arch != Architecture.QWEN2),
                chatTemplate(dir, tokenizer));
    }

    private static Architecture architecture(JsonFile config) throws ModelConfigException {
        JsonNode list = config.node("architectures");
        if (!list.isArray() || list.isEmpty() || !list.get(0).isTextual()) {
            throw config.error("architectures", "is missing or not a list of class names; supported: "
                    + Architecture.supportedList());
        }
        String name = list.get(0).textValue();
        return Architecture.fromClassName(name).orElseThrow(() -> new ModelConfigException(
                "unsupported architecture " + name + "; supported: " + Architecture.supportedList()));
    }

    private static int headDim(JsonFile config, int hidden, int heads) throws ModelConfigException {
        int headDim;
        if (config.has("head_dim")) {
            headDim = config.positiveInt("head_dim");
        } else if (hidden % heads != 0) {
            throw config.error("hidden_size", "(" + hidden + ") is not a multiple of num_attention_heads ("
                    + heads + ") and no head_dim is given");
        } else {
            headDim = hidden / heads;
        }
        if (headDim % 2 != 0) {
            throw config.error("head_dim", "must be even for rotary embeddings, found " + headDim);
        }
        return headDim;
    }

    private static Integer slidingWindow(JsonFile config, Architecture arch) throws ModelConfigException {
        switch (arch) {
            case MISTRAL -> {
                if (config.node("sliding_window").isMissingNode()) {
                    return MISTRAL_DEFAULT_SLIDING_WINDOW;
                }
                return config.has("sliding_window") ? config.positiveInt("sliding_window") : null;
            }
            case QWEN2 -> {
                if (config.optionalBoolean("use_sliding_window", false)) {
                    throw config.error("use_sliding_window", "is true; Qwen2 per-layer sliding-window attention is"
                            + " not supported");
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** LlamaConfig: same as the query heads; MistralConfig: 8; Qwen2Config: 32. */
    private static int defaultKvHeads(Architecture arch, int heads) {
        return switch (arch) {
            case LLAMA -> heads;
            case MISTRAL -> 8;
            case QWEN2 -> 32;
        };
    }

    private static int defaultMaxPositions(Architecture arch) {
        return switch (arch) {
            case LLAMA -> 2048;
            case MISTRAL -> 4096 * 32;
            case QWEN2 -> 32768;
        };
    }

    /**
     * BOS, EOS and PAD ids. config.json first, then generation_config.json; when neither sets them, LlamaConfig and
     * MistralConfig default to BOS 1 / EOS 2 and Qwen2Config to none. EOS may be an int or a list in either file;
     * the result is their union, config.json's ids first. Every id must be a row of the embedding table
     * ({@code 0 <= id < vocab_size}), checked where it is read so the message names its file.
     */
    record SpecialTokens(Integer bos, List<Integer> eos, Integer pad) {

        static SpecialTokens read(JsonFile config, JsonFile generation, Architecture arch, int vocab)
                throws ModelConfigException {
            boolean llamaDefaults = arch != Architecture.QWEN2;
            Integer bos = id(config, "bos_token_id", vocab);
            if (bos == null) {
                bos = id(generation, "bos_token_id", vocab);
            }
            if (bos == null && llamaDefaults) {
                bos = 1;
            }
            Set<Integer> eos = new LinkedHashSet<>();
            addIds(config, eos, vocab);
            addIds(generation, eos, vocab);
            if (eos.isEmpty() && llamaDefaults) {
                eos.add(2);
            }
            Integer pad = padId(config, vocab);
            if (pad == null) {
                pad = padId(generation, vocab);
            }
            return new SpecialTokens(bos, new ArrayList<>(eos), pad);
        }

        private static Integer id(JsonFile file, String key, int vocab) throws ModelConfigException {
            Integer id = file.nullableInt(key);
            return id == null ? null : inVocabulary(file, key, id, vocab);
        }

        /** Old Llama conversions write -1 for "no padding token"; nothing here pads, so a negative id means none. */
        private static Integer padId(JsonFile file, int vocab) throws ModelConfigException {
            Integer id = file.nullableInt("pad_token_id");
            return id == null || id < 0 ? null : inVocabulary(file, "pad_token_id", id, vocab);
        }

        private static void addIds(JsonFile file, Set<Integer> ids, int vocab) throws ModelConfigException {
            String key = "eos_token_id";
            JsonNode node = file.node(key);
            if (node.isArray()) {
                for (JsonNode id : node) {
                    ids.add(inVocabulary(file, key, file.intValue(key, id), vocab));
                }
            } else if (!node.isMissingNode() && !node.isNull()) {
                ids.add(inVocabulary(file, key, file.intValue(key, node), vocab));
            }
        }

        private static int inVocabulary(JsonFile file, String key, int id, int vocab) throws ModelConfigException {
            if (id < 0 || id >= vocab) {
                throw file.error(key, id + " is not a token id: vocab_size is " + vocab);
            }
            return id;
        }
    }

    /** {@code chat_template} as a string, a list of named templates (the "default" one), or chat_template.jinja. */
    static String chatTemplate(Path dir, JsonFile tokenizer) throws IOException {
        JsonNode node = tokenizer.node("chat_template");
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isArray()) {
            for (JsonNode named : node) {
                if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
                    return named.path("template").textValue();
                }
            }
            throw tokenizer.error("chat_template", "is a list without a template named 'default'");
        }
        Path jinja = dir.resolve(CHAT_TEMPLATE_FILE);
        return Files.isRegularFile(jinja) ? Files.readString(jinja) : null;
    }
}
