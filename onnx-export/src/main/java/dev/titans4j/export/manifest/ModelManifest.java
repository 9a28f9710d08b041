package dev.titans4j.export.manifest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}: everything the runtime needs to know about an exported model folder.
 * The exporter writes it; the runtime reads it and refuses a {@link #manifestVersion()} it does not know.
 *
 * <p>Graph contract (names are also stored in {@link #inputs()} / {@link #outputs()} so they can evolve):
 * <ul>
 *   <li>{@code input_ids} int64 [1, S]; {@code attention_mask} int64 [1, P+S] (all ones, P = tokens already cached);
 *   {@code logits_from} int64 [1]: logits are computed for positions {@code logits_from .. S-1} of this chunk only
 *   (S-1 for the usual last-token-only prefill, 0 for all).</li>
 *   <li>{@code past_key_values.N.key/value} [1, kvHeads, B, headDim] and outputs {@code present.N.key/value}; with
 *   {@link KvCache#sharedBuffer()} the runtime passes one buffer of B = context length as both the past input and
 *   the pinned present output, so the cache is never reallocated.</li>
 *   <li>One float32 input per SVF-adapted matrix ({@link SvfMatrix#input()}), shape [rank]: the multiplier of each
 *   singular value (all ones = the base model).</li>
 *   <li>Outputs {@code logits} float32 [1, S - logits_from, vocab] and {@code hidden_states} [1, S, hidden]
 *   (after the final norm).</li>
 * </ul>
 *
 * <p>{@link #int4BlockSize()}: values per MatMulNBits block for int4 exports; null for other precisions and in
 * manifests written before it was recorded (those int4 exports used 32).
 *
 * <p>{@link #plainCompanion()}: the optional plain companion graph (see {@link PlainCompanion}); a top-level field
 * so that runtimes which do not know it ignore it and load {@code files.model}.
 *
 * <p>{@link #fileDigests()}: each written file's size and CRC32C by file name (the model graphs and their data, the
 * singular values, the copied tokenizer files; not {@code manifest.json} itself), checked by {@link FileIntegrity};
 * null in manifests written before it was recorded, whose files are loaded unchecked.
 *
 * <p>{@link #chat()} and {@link #generation()} (manifest version 2): what the runtime needs from
 * {@code tokenizer_config.json} and {@code generation_config.json}, parsed at export time, so that it reads no
 * Hugging Face file but the tokenizer. Version 1 manifests have neither; for those the runtime reads the copied
 * files as before.
 *
 * <p>Every record here ignores unknown properties: a later exporter may add optional fields without a new
 * {@link #manifestVersion()}, and older runtimes must still read the manifest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
        String format,
        int manifestVersion,
        String exporterVersion,
        String architecture,
        String modelType,
        String sourceModel,
        Precision precision,
        Dimensions dimensions,
        Tokens tokens,
        String chatFormat,
        Files files,
        Inputs inputs,
        Outputs outputs,
        KvCache kvCache,
        Svf svf,
        Integer int4BlockSize,
        PlainCompanion plainCompanion,
        Map<String, FileDigest> fileDigests,
        Chat chat,
        Generation generation) {

    public static final String FORMAT = "titans4j-onnx";
    /** Version 2 adds {@link #chat()} and {@link #generation()}; runtimes read versions 1 and 2. */
    public static final int CURRENT_VERSION = 2;
    /** The first version that records {@link #chat()} and {@link #generation()}. */
    public static final int CHAT_SETTINGS_VERSION = 2;
    public static final List<Integer> SUPPORTED_VERSIONS = List.of(1, 2);
    public static final String FILE_NAME = "manifest.json";

    /** The manifest without an int4 block size (fp32/fp16, or written before the field existed). */
    public ModelManifest(String format, int manifestVersion, String exporterVersion, String architecture,
                         String modelType, String sourceModel, Precision precision, Dimensions dimensions,
                         Tokens tokens, String chatFormat, Files files, Inputs inputs, Outputs outputs,
                         KvCache kvCache, Svf svf) {
        this(format, manifestVersion, exporterVersion, architecture, modelType, sourceModel, precision, dimensions,
                tokens, chatFormat, files, inputs, outputs, kvCache, svf, null, null, null, null, null);
    }

    /** The manifest without a plain companion. */
    public ModelManifest(String format, int manifestVersion, String exporterVersion, String architecture,
                         String modelType, String sourceModel, Precision precision, Dimensions dimensions,
                         Tokens tokens, String chatFormat, Files files, Inputs inputs, Outputs outputs,
                         KvCache kvCache, Svf svf, Integer int4BlockSize) {
        this(format, manifestVersion, exporterVersion, architecture, modelType, sourceModel, precision, dimensions,
                tokens, chatFormat, files, inputs, outputs, kvCache, svf, int4BlockSize, null, null, null, null);
    }

    /** The manifest without file digests. */
    public ModelManifest(String format, int manifestVersion, String exporterVersion, String architecture,
                         String modelType, String sourceModel, Precision precision, Dimensions dimensions,
                         Tokens tokens, String chatFormat, Files files, Inputs inputs, Outputs outputs,
                         KvCache kvCache, Svf svf, Integer int4BlockSize, PlainCompanion plainCompanion) {
        this(format, manifestVersion, exporterVersion, architecture, modelType, sourceModel, precision, dimensions,
                tokens, chatFormat, files, inputs, outputs, kvCache, svf, int4BlockSize, plainCompanion, null, null, null);
    }

    /** The manifest without chat and generation settings (as version 1 wrote it). */
    public ModelManifest(String format, int manifestVersion, String exporterVersion, String architecture,
                         String modelType, String sourceModel, Precision precision, Dimensions dimensions,
                         Tokens tokens, String chatFormat, Files files, Inputs inputs, Outputs outputs,
                         KvCache kvCache, Svf svf, Integer int4BlockSize, PlainCompanion plainCompanion,
                         Map<String, FileDigest> fileDigests) {
        this(format, manifestVersion, exporterVersion, architecture, modelType, sourceModel, precision, dimensions,
                tokens, chatFormat, files, inputs, outputs, kvCache, svf, int4BlockSize, plainCompanion, fileDigests,
                null, null);
    }

    /** Whether {@link #chat()} and {@link #generation()} were recorded (else read the Hugging Face files). */
    public boolean hasChatSettings() {
        return manifestVersion >= CHAT_SETTINGS_VERSION;
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public enum Precision {
        fp32, fp16, int4
    }

    /** Model shape. {@code slidingWindow} is null when attention is global. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Dimensions(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads,
                             int headDim, int vocabSize, int contextLength, Integer slidingWindow,
                             double rmsNormEps, double ropeTheta, boolean tiedEmbeddings, boolean attentionBias) {
    }

    /** Special tokens; {@code addBosToken} follows the tokenizer config. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Tokens(Integer bosTokenId, List<Integer> eosTokenIds, Integer padTokenId, boolean addBosToken) {
    }

    /**
     * How prompts are written, from the tokenizer config: the Jinja chat template itself (null when the checkpoint
     * has none), the BOS and EOS token texts the template receives as {@code bos_token}/{@code eos_token} (null when
     * not set), and the fixed default system prompt the template writes when the conversation has none (null when
     * it has none). The format's name is {@link ModelManifest#chatFormat()}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Chat(String template, String bosToken, String eosToken, String defaultSystemPrompt) {
    }

    /**
     * The model's own sampling defaults from {@code generation_config.json}, as Hugging Face's {@code generate}
     * takes them: {@code doSample} false means greedy decoding. Null fields were not set there (Hugging Face's
     * defaults apply: temperature 1, top-p 1, top-k 50); all null but {@code doSample} false when there is no file.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Generation(boolean doSample, Double temperature, Double topP, Integer topK, Double minP,
                             Double repetitionPenalty, Integer maxNewTokens) {
    }

    /** File names relative to the model folder; {@code externalData} is null when weights are inside model.onnx. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Files(String model, String externalData, String tokenizer, String tokenizerConfig,
                        String generationConfig) {
    }

    /**
     * The plain companion: the same decoder without the Transformer² hook (what {@code --no-svf} writes), for
     * requests that mix no experts. {@code externalData} is null when its weights are inside {@code model}. The
     * manifest has none in exports without the hook, with {@code --no-plain-companion} and before it existed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PlainCompanion(String model, String externalData) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Inputs(String inputIds, String attentionMask, String logitsFrom, String pastKeyPattern,
                         String pastValuePattern) {

        public String pastKey(int layer) {
            return String.format(pastKeyPattern, layer);
        }

        public String pastValue(int layer) {
            return String.format(pastValuePattern, layer);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Outputs(String logits, String presentKeyPattern, String presentValuePattern, String hiddenStates) {

        public String presentKey(int layer) {
            return String.format(presentKeyPattern, layer);
        }

        public String presentValue(int layer) {
            return String.format(presentValuePattern, layer);
        }
    }

    /**
     * KV cache tensors: element type ("float32" or "float16"), layout [batch, kvHeads, seq, headDim].
     *
     * <p>{@code recomputeBeyond} (null: never): the cached keys of a sequence of at most this many tokens are
     * rotated with a RoPE table the graph stops using once the sequence is longer (Phi-3's longrope switches from
     * its short to its long factors there). A run that takes a sequence holding at most this many cached tokens
     * beyond it must first drop the cache and feed the whole sequence again, as transformers' Phi3ForCausalLM does
     * ("enforce re-compute cache"); a runtime that ignores the field keeps the stale keys and drifts from it.
     *
     * <p>{@code batchRows} (null in manifests written before it): whether sequences of different lengths can share
     * one run as rows of a batch, i.e. the graph takes every row's positions from its own mask row. False when RoPE
     * is applied outside the attention op (one position range for the whole run) or the RoPE table is chosen per
     * run from the longest row (longrope).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record KvCache(String dtype, String layout, boolean sharedBuffer, Integer recomputeBeyond,
                          Boolean batchRows) {

        public KvCache(String dtype, String layout, boolean sharedBuffer) {
            this(dtype, layout, sharedBuffer, null, null);
        }

        public KvCache(String dtype, String layout, boolean sharedBuffer, Integer recomputeBeyond) {
            this(dtype, layout, sharedBuffer, recomputeBeyond, null);
        }

        /**
         * Whether a run of {@code chunk} tokens after {@code cached} ones must recompute every position instead:
         * the cache was filled at or below {@link #recomputeBeyond()} and the run takes the sequence past it.
         */
        public boolean mustRecompute(int cached, int chunk) {
            return recomputeBeyond != null && cached > 0 && cached <= recomputeBeyond
                    && cached + chunk > recomputeBeyond;
        }
    }

    /**
     * Transformer² hook. {@code file} (safetensors, relative) holds each adapted matrix's singular values under
     * its Hugging Face weight name; {@code form} says how the graph applies the multipliers.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Svf(boolean enabled, String form, String file, List<SvfMatrix> matrices) {
    }

    /** One adapted matrix: HF weight name, graph input name, number of singular values, weight shape [out, in]. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SvfMatrix(String weight, String input, int rank, int rows, int cols) {
    }

    public void write(Path folder) throws IOException {
        JSON.writeValue(folder.resolve(FILE_NAME).toFile(), this);
    }

    /**
     * Reads and checks {@code manifest.json} in an exported model folder.
     *
     * @throws InvalidManifestException naming the field, for a missing or malformed manifest
     */
    public static ModelManifest read(Path folder) throws IOException {
        return ManifestReader.read(folder);
    }

    /** A manifest that is missing, of another format or version, or incomplete. */
    public static final class InvalidManifestException extends IllegalArgumentException {
        public InvalidManifestException(String message) {
            super(message);
        }
    }
}
