package dev.titans4j.export.hf;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link ModelConfig} from a Hugging Face folder: finds the {@link FamilySpec} of {@code architectures}, lets
 * it read config.json (its transformers defaults where a key is absent; rejecting what the exporter cannot reproduce
 * exactly), then reads the special tokens and the chat and generation settings. Each file is read once.
 */
final class ModelConfigReader {

    static final String CONFIG = "config.json";
    static final String GENERATION_CONFIG = "generation_config.json";

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
        TokenizerFiles tokenizer = TokenizerFiles.read(dir);

        FamilySpec family = family(config);
        String modelType = config.optionalString("model_type", family.modelType());
        ModelConfig.Dimensions dims = family.dimensions(config);
        ModelConfig.Attention attention = family.attention(config, dims);
        ModelConfig.Norms norms = family.norms(config);
        ModelConfig.Mlp mlp = family.mlp(config);
        ModelConfig.Rope rope = family.rope(config, dims);
        LongRope longRope = rope.global().longRope();
        long rotaryRows = dims.maxPositionEmbeddings() + (longRope == null ? 0L
                : longRope.originalMaxPositionEmbeddings()); // longrope: the short rows come first
        long rotaryValues = rotaryRows * (rope.rotaryDim() / 2);
        if (rotaryValues > MAX_ROTARY_TABLE_VALUES) {
            throw config.error("max_position_embeddings", dims.maxPositionEmbeddings() + " with head_dim "
                    + dims.headDim() + " needs rotary tables of " + rotaryValues + " values, more than the "
                    + MAX_ROTARY_TABLE_VALUES + " the exporter builds (1 GiB a table)");
        }
        ModelConfig.Embedding embedding = family.embedding(config, dims);
        SpecialTokens ids = SpecialTokens.read(config, generation, family, dims.vocabSize());
        boolean addBos = tokenizer.addBosToken(family.defaultAddBosToken());
        if (addBos && ids.bos() == null) { // the runtime's tokenizer would refuse the export
            throw new ModelConfigException(TokenizerFiles.TOKENIZER_CONFIG + ": 'add_bos_token' is true, but neither "
                    + CONFIG + " nor " + GENERATION_CONFIG + " sets bos_token_id (" + family.className()
                    + " has no default): there is no BOS token to prepend");
        }
        ModelConfig.Tokens tokens = new ModelConfig.Tokens(ids.bos(), ids.eos(), ids.pad(), addBos);
        return new ModelConfig(family, modelType, dims, attention, rope, norms, mlp, embedding, tokens,
                ChatSettings.chat(tokenizer), ChatSettings.generation(generation));
    }

    private static FamilySpec family(JsonFile config) throws ModelConfigException {
        JsonNode list = config.node("architectures");
        if (!list.isArray() || list.isEmpty() || !list.get(0).isTextual()) {
            throw config.error("architectures", "is missing or not a list of class names; supported: "
                    + Families.supportedList());
        }
        String name = list.get(0).textValue();
        return Families.forClassName(name).orElseThrow(() -> new ModelConfigException(
                UnsupportedArchitecture.message(name, config)));
    }

    /**
     * BOS, EOS and PAD ids. config.json first, then generation_config.json; when neither sets them, LlamaConfig and
     * MistralConfig default to BOS 1 / EOS 2 and Qwen2Config to none (each {@link FamilySpec} says). EOS may be an
     * int or a list in either file;
     * the result is their union, config.json's ids first. Every id must be a row of the embedding table
     * ({@code 0 <= id < vocab_size}), checked where it is read so the message names its file.
     */
    record SpecialTokens(Integer bos, List<Integer> eos, Integer pad) {

        static SpecialTokens read(JsonFile config, JsonFile generation, FamilySpec family, int vocab)
                throws ModelConfigException {
            Integer bos = id(config, "bos_token_id", vocab);
            if (bos == null) {
                bos = id(generation, "bos_token_id", vocab);
            }
            if (bos == null) {
                bos = familyDefault(config, family, "bos_token_id", family.defaultBosTokenId(), vocab);
            }
            Set<Integer> eos = new LinkedHashSet<>();
            addIds(config, eos, vocab);
            addIds(generation, eos, vocab);
            if (eos.isEmpty()) {
                for (Integer id : family.defaultEosTokenIds()) {
                    eos.add(familyDefault(config, family, "eos_token_id", id, vocab));
                }
            }
            Integer pad = padId(config, vocab);
            if (pad == null) {
                pad = padId(generation, vocab);
            }
            Integer defaultPad = family.defaultPadTokenId();
            // nothing here pads: a default outside a small vocabulary is harmless, so it means none
            if (pad == null && defaultPad != null && defaultPad < vocab && config.node("pad_token_id").isMissingNode()
                    && generation.node("pad_token_id").isMissingNode()) {
                pad = defaultPad;
            }
            return new SpecialTokens(bos, new ArrayList<>(eos), pad);
        }

        /** A config class's default id, which a small vocabulary may not have (then nothing would work). */
        private static Integer familyDefault(JsonFile config, FamilySpec family, String key, Integer id, int vocab)
                throws ModelConfigException {
            if (id != null && id >= vocab) {
                throw new ModelConfigException(config.name() + ": no file sets '" + key + "', and the "
                        + family.className() + " default " + id + " is not a token id: vocab_size is " + vocab);
            }
            return id;
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
}
