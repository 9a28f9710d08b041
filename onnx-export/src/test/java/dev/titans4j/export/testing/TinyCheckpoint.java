package dev.titans4j.export.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.safetensors.SafetensorsWriter;
import dev.titans4j.export.safetensors.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes a small random Hugging Face checkpoint folder ({@code config.json}, {@code generation_config.json},
 * {@code model.safetensors} or shards + index, and a placeholder {@code tokenizer.json} with one token per row of the
 * embedding table) for any supported architecture and option.
 *
 * <p>Tensor names and shapes are spelled out here from the transformers modeling files, independently of
 * {@code ModelConfig.expectedTensors()}, so a test that validates a fixture checks one against the other. Weights are
 * scaled so activations keep unit size through the layers and logits have a spread of a few units (a tiny-weight
 * model would make every comparison trivially pass): linear layers ~ N(0, 1/fan_in), embeddings ~ N(0, 0.5²),
 * LM head ~ N(0, (4/√hidden)²), norms ~ 1 ± 0.1, biases ~ N(0, 0.1²); {@link #weightScale} multiplies all but norms.
 *
 * <pre>{@code
 * Path dir = TinyCheckpoint.llama().layers(2).kvHeads(2).tied(false).write(tempDir);
 * }</pre>
 */
public final class TinyCheckpoint {

    public static final String LLAMA = "LlamaForCausalLM";
    public static final String MISTRAL = "MistralForCausalLM";
    public static final String QWEN2 = "Qwen2ForCausalLM";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String architecture;
    private int hiddenSize = 32;
    private int intermediateSize = 48;
    private int layers = 2;
    private int heads = 4;
    private int kvHeads = 2;
    private Integer headDim;
    private int vocabSize = 64;
    private boolean tied;
    private boolean bias;
    private double ropeTheta = 10000.0;
    private double rmsNormEps = 1e-6;
    private double[] llama3Scaling;
    private Integer slidingWindow;
    private boolean slidingWindowSet;
    private int maxPositions = 128;
    private DType dtype = DType.F32;
    private int shards = 1;
    private long seed = 42;
    private double weightScale = 1.0;
    private List<Integer> eosTokenIds = List.of(2);
    private boolean tokenizer = true;
    private final Map<String, Object> configOverrides = new LinkedHashMap<>();
    private final Map<String, long[]> tensorOverrides = new LinkedHashMap<>();
    private final Set<String> omitted = new HashSet<>();
    private final Map<String, String> copies = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "pt"));

    private TinyCheckpoint(String architecture) {
        this.architecture = architecture;
    }

    public static TinyCheckpoint llama() {
        return new TinyCheckpoint(LLAMA);
    }

    public static TinyCheckpoint mistral() {
        return new TinyCheckpoint(MISTRAL);
    }

    public static TinyCheckpoint qwen2() {
        return new TinyCheckpoint(QWEN2);
    }

    /** Any architecture name, e.g. {@code "GPT2LMHeadModel"} for unsupported-architecture tests. */
    public static TinyCheckpoint of(String architecture) {
        return new TinyCheckpoint(architecture);
    }

    public TinyCheckpoint hidden(int v) { hiddenSize = v; return this; }
    public TinyCheckpoint intermediate(int v) { intermediateSize = v; return this; }
    public TinyCheckpoint layers(int v) { layers = v; return this; }
    public TinyCheckpoint heads(int v) { heads = v; return this; }
    public TinyCheckpoint kvHeads(int v) { kvHeads = v; return this; }
    /** Explicit {@code head_dim} (otherwise omitted from config.json, meaning hidden / heads). */
    public TinyCheckpoint headDim(int v) { headDim = v; return this; }
    public TinyCheckpoint vocab(int v) { vocabSize = v; return this; }
    public TinyCheckpoint tied(boolean v) { tied = v; return this; }
    /** Llama {@code attention_bias} (q/k/v/o biases). Qwen2 always has q/k/v biases; Mistral never has any. */
    public TinyCheckpoint bias(boolean v) { bias = v; return this; }
    public TinyCheckpoint ropeTheta(double v) { ropeTheta = v; return this; }
    public TinyCheckpoint rmsNormEps(double v) { rmsNormEps = v; return this; }
    public TinyCheckpoint maxPositions(int v) { maxPositions = v; return this; }
    public TinyCheckpoint dtype(DType v) { dtype = v; return this; }
    public TinyCheckpoint shards(int v) { shards = v; return this; }
    public TinyCheckpoint seed(long v) { seed = v; return this; }
    public TinyCheckpoint weightScale(double v) { weightScale = v; return this; }
    public TinyCheckpoint eosTokenIds(Integer... ids) { eosTokenIds = List.of(ids); return this; }
    /** Whether to write the placeholder {@code tokenizer.json} (default true; the exporter requires one). */
    public TinyCheckpoint tokenizer(boolean v) { tokenizer = v; return this; }

    /** Llama 3.1-style {@code rope_scaling} {@code {"rope_type": "llama3", ...}}. */
    public TinyCheckpoint llama3RopeScaling(double factor, double lowFreqFactor, double highFreqFactor,
            int originalMaxPositions) {
        llama3Scaling = new double[] {factor, lowFreqFactor, highFreqFactor, originalMaxPositions};
        return this;
    }

    /** Mistral {@code sliding_window} (null writes an explicit JSON null). */
    public TinyCheckpoint slidingWindow(Integer v) {
        slidingWindow = v;
        slidingWindowSet = true;
        return this;
    }

    /** Sets (or with {@code null} value, writes JSON null for) any config.json key, after the generated ones. */
    public TinyCheckpoint config(String key, Object value) {
        configOverrides.put(key, value);
        return this;
    }

    /** Removes a generated config.json key. */
    public TinyCheckpoint removeConfig(String key) {
        configOverrides.put(key, Removed.INSTANCE);
        return this;
    }

    /** Stores tensor {@code name} with a different shape (or adds an extra tensor). */
    public TinyCheckpoint tensorShape(String name, long... shape) {
        tensorOverrides.put(name, shape.clone());
        return this;
    }

    /** Leaves tensor {@code name} out of the checkpoint. */
    public TinyCheckpoint omit(String name) {
        omitted.add(name);
        return this;
    }

    /** Stores tensor {@code name} (added if needed) with the shape and values of tensor {@code source}. */
    public TinyCheckpoint copyOf(String name, String source) {
        copies.put(name, source);
        return this;
    }

    /** Adds an entry to the {@code __metadata__} of every safetensors file (besides {@code format: pt}). */
    public TinyCheckpoint metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Writes the folder (created if needed) and returns it. */
    public Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            writeJson(dir.resolve("config.json"), config());
            ObjectNode generation = JSON.createObjectNode().put("bos_token_id", 1);
            generation.set("eos_token_id", eosTokenIds.size() == 1 ? JSON.valueToTree(eosTokenIds.get(0))
                    : JSON.valueToTree(eosTokenIds));
            writeJson(dir.resolve("generation_config.json"), generation);
            writeWeights(dir, tensors());
            if (tokenizer) {
                writeJson(dir.resolve("tokenizer.json"), placeholderTokenizer());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Hugging Face BPE tokenizer.json without merges: {@code <unk>}, {@code <s>}, {@code </s>} (ids 0-2, special)
     * and {@code t3}, {@code t4}, ... up to vocab_size - 1. It loads in the tokenizers library; text it encodes is
     * all {@code <unk>}, which is enough for tests that feed token ids.
     */
    private ObjectNode placeholderTokenizer() {
        ObjectNode root = JSON.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        List<String> specials = List.of("<unk>", "<s>", "</s>");
        var added = root.putArray("added_tokens");
        for (int id = 0; id < specials.size(); id++) {
            added.addObject().put("id", id).put("content", specials.get(id)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        for (String stage : List.of("normalizer", "pre_tokenizer", "post_processor", "decoder")) {
            root.putNull(stage);
        }
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < vocabSize; id++) {
            vocab.put(id < specials.size() ? specials.get(id) : "t" + id, id);
        }
        model.putArray("merges");
        return root;
    }

    /** Copies stories260K's tokenizer files into {@code dir} (its vocabulary has 512 entries). */
    public static void copyTokenizer(Path tokenizerSource, Path dir) throws IOException {
        for (String file : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            Path source = tokenizerSource.resolve(file);
            if (Files.exists(source)) {
                Files.copy(source, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The tensors this builder writes, name → shape, in file order (before overrides and omissions). */
    public Map<String, long[]> shapes() {
        int hd = headDim != null ? headDim : hiddenSize / heads;
        long q = (long) heads * hd;
        long kv = (long) kvHeads * hd;
        boolean qkvBias = architecture.equals(QWEN2) || (architecture.equals(LLAMA) && bias);
        boolean oBias = architecture.equals(LLAMA) && bias;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new long[] {vocabSize, hiddenSize});
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {hiddenSize});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {q, hiddenSize});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, hiddenSize});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, hiddenSize});
            if (qkvBias) {
                shapes.put(p + "self_attn.q_proj.bias", new long[] {q});
                shapes.put(p + "self_attn.k_proj.bias", new long[] {kv});
                shapes.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            shapes.put(p + "self_attn.o_proj.weight", new long[] {hiddenSize, q});
            if (oBias) {
                shapes.put(p + "self_attn.o_proj.bias", new long[] {hiddenSize});
            }
            shapes.put(p + "post_attention_layernorm.weight", new long[] {hiddenSize});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {intermediateSize, hiddenSize});
            shapes.put(p + "mlp.up_proj.weight", new long[] {intermediateSize, hiddenSize});
            shapes.put(p + "mlp.down_proj.weight", new long[] {hiddenSize, intermediateSize});
        }
        shapes.put("model.norm.weight", new long[] {hiddenSize});
        if (!tied) {
            shapes.put("lm_head.weight", new long[] {vocabSize, hiddenSize});
        }
        return shapes;
    }

    private ObjectNode config() {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(architecture);
        c.put("model_type", switch (architecture) {
            case MISTRAL -> "mistral";
            case QWEN2 -> "qwen2";
            default -> "llama";
        });
        c.put("hidden_size", hiddenSize);
        c.put("intermediate_size", intermediateSize);
        c.put("num_hidden_layers", layers);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kvHeads);
        if (headDim != null) {
            c.put("head_dim", headDim);
        }
        c.put("vocab_size", vocabSize);
        c.put("hidden_act", "silu");
        c.put("rms_norm_eps", rmsNormEps);
        c.put("rope_theta", ropeTheta);
        c.put("max_position_embeddings", maxPositions);
        c.put("tie_word_embeddings", tied);
        c.put("bos_token_id", 1);
        c.put("eos_token_id", eosTokenIds.get(0));
        c.put("torch_dtype", switch (dtype) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        });
        if (architecture.equals(LLAMA)) {
            c.put("attention_bias", bias);
            c.put("mlp_bias", false);
        }
        if (architecture.equals(QWEN2)) {
            c.put("use_sliding_window", false);
            c.put("sliding_window", 4096); // present in real Qwen2 configs, inert while use_sliding_window is false
        }
        if (architecture.equals(MISTRAL) || slidingWindowSet) {
            if (slidingWindow == null) {
                c.putNull("sliding_window");
            } else {
                c.put("sliding_window", slidingWindow);
            }
        }
        if (llama3Scaling != null) {
            ObjectNode s = c.putObject("rope_scaling");
            s.put("rope_type", "llama3");
            s.put("factor", llama3Scaling[0]);
            s.put("low_freq_factor", llama3Scaling[1]);
            s.put("high_freq_factor", llama3Scaling[2]);
            s.put("original_max_position_embeddings", (int) llama3Scaling[3]);
        } else {
            c.putNull("rope_scaling");
        }
        configOverrides.forEach((key, value) -> {
            if (value == Removed.INSTANCE) {
                c.remove(key);
            } else {
                c.set(key, JSON.valueToTree(value));
            }
        });
        return c;
    }

    private Map<String, TensorData> tensors() {
        Random random = new Random(seed);
        Map<String, long[]> shapes = new LinkedHashMap<>(shapes());
        shapes.putAll(tensorOverrides);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : shapes.entrySet()) {
            if (!omitted.contains(entry.getKey())) {
                long[] shape = entry.getValue();
                tensors.put(entry.getKey(), new TensorData(dtype, shape, values(entry.getKey(), shape, random)));
            }
        }
        copies.forEach((name, source) -> tensors.put(name, tensors.get(source)));
        return tensors;
    }

    private float[] values(String name, long[] shape, Random random) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] v = new float[Math.toIntExact(count)];
        boolean norm = name.endsWith("norm.weight");
        double std;
        if (norm) {
            std = 0.1;
        } else if (name.endsWith(".bias")) {
            std = 0.1 * weightScale;
        } else if (name.equals("model.embed_tokens.weight")) {
            std = 0.5 * weightScale;
        } else if (name.equals("lm_head.weight")) {
            std = 4.0 / Math.sqrt(hiddenSize) * weightScale;
        } else {
            std = weightScale / Math.sqrt(shape.length == 2 ? shape[1] : shape[0]);
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((norm ? 1.0 : 0.0) + std * random.nextGaussian());
        }
        return v;
    }

    private void writeWeights(Path dir, Map<String, TensorData> tensors) throws IOException {
        if (shards <= 1) {
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, metadata);
            return;
        }
        List<String> names = new ArrayList<>(tensors.keySet());
        if (names.size() < shards) {
            throw new IllegalArgumentException(shards + " shards for " + names.size() + " tensors");
        }
        long totalBytes = tensors.values().stream().mapToLong(TensorData::byteSize).sum();
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", totalBytes);
        ObjectNode weightMap = index.putObject("weight_map");
        int next = 0;
        for (int shard = 0; shard < shards; shard++) {
            int end = names.size() * (shard + 1) / shards;
            String file = String.format("model-%05d-of-%05d.safetensors", shard + 1, shards);
            Map<String, TensorData> part = new LinkedHashMap<>();
            for (; next < end; next++) {
                part.put(names.get(next), tensors.get(names.get(next)));
                weightMap.put(names.get(next), file);
            }
            SafetensorsWriter.write(dir.resolve(file), part, metadata);
        }
        writeJson(dir.resolve("model.safetensors.index.json"), index);
    }

    private static void writeJson(Path file, ObjectNode node) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(node));
    }

    private enum Removed { INSTANCE }
}
