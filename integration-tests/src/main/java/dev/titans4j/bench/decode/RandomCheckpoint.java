package dev.titans4j.bench.decode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.safetensors.SafetensorsWriter;
import dev.titans4j.export.safetensors.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a Hugging Face checkpoint folder of a {@link ModelShape} with random fp32 weights: {@code config.json},
 * {@code generation_config.json}, one safetensors shard per layer plus one for embeddings and head, and the
 * {@code model.safetensors.index.json} that maps them (one shard at a time in memory, so the 0.5B shape needs no
 * large heap). Values are uniform with the variance of a sensibly initialised model (1/fan_in for linear layers),
 * so activations stay in the normal float range: speed must not depend on denormals or overflow.
 */
public final class RandomCheckpoint {

    /** max_position_embeddings of every shape; serve-bench's default 20-turn chat needs ~2,600 positions. */
    public static final int CONTEXT = 4096;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json");

    private RandomCheckpoint() {
    }

    /**
     * Writes the folder unless it is already complete (its index exists: written last).
     *
     * @param tokenizerFrom folder whose tokenizer files are copied in (Jlama needs a tokenizer.json to load a model;
     *                      the benchmark feeds token ids directly); null = a three-token placeholder
     */
    public static Path ensure(ModelShape shape, Path dir, Path tokenizerFrom, long seed) throws IOException {
        Files.createDirectories(dir);
        // Jlama's quantizer copies README.md along with the weights and fails without one
        Files.writeString(dir.resolve("README.md"), "# Random " + shape.name() + " checkpoint\n\n" + shape.describe()
                + "\n\nRandom weights written by titans4j's decode benchmark: a speed fixture, not a model.\n");
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (tokenizerFrom == null && !coversVocabulary(tokenizerJson, shape.vocab())) {
            // the exporter requires a tokenizer whose ids fit the vocabulary, and serve-bench's generations decode
            // every id the random weights pick (folders cached before held a three-token placeholder)
            writeJson(tokenizerJson, placeholderTokenizer(shape.vocab()));
        }
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            return dir;
        }
        writeJson(dir.resolve("config.json"), config(shape));
        ObjectNode generation = JSON.createObjectNode().put("bos_token_id", 1).put("eos_token_id", 2);
        writeJson(dir.resolve("generation_config.json"), generation);
        if (tokenizerFrom != null) {
            for (String file : TOKENIZER_FILES) {
                if (Files.isRegularFile(tokenizerFrom.resolve(file))) {
                    Files.copy(tokenizerFrom.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        int shards = shape.layers() + 1;
        ObjectNode weightMap = JSON.createObjectNode();
        long total = 0;
        for (int shard = 0; shard < shards; shard++) {
            Map<String, TensorData> tensors = shard == 0 ? outerTensors(shape, random)
                    : layerTensors(shape, shard - 1, random);
            String file = String.format("model-%05d-of-%05d.safetensors", shard + 1, shards);
            SafetensorsWriter.write(dir.resolve(file), tensors, Map.of("format", "pt"));
            for (Map.Entry<String, TensorData> t : tensors.entrySet()) {
                weightMap.put(t.getKey(), file);
                total += t.getValue().byteSize();
            }
        }
        ObjectNode root = JSON.createObjectNode();
        root.putObject("metadata").put("total_size", total);
        root.set("weight_map", weightMap);
        writeJson(index, root);
        return dir;
    }

    private static boolean coversVocabulary(Path tokenizerJson, int vocab) throws IOException {
        return Files.isRegularFile(tokenizerJson)
                && JSON.readTree(tokenizerJson.toFile()).path("model").path("vocab").size() >= vocab;
    }

    /**
     * A BPE tokenizer.json without merges: {@code <unk>}, {@code <s>}, {@code </s>} (ids 0-2, special), then
     * {@code t3}, {@code t4}, ... one token per row of the embedding table. The benchmarks feed token ids; this
     * only lets every id be decoded.
     */
    private static ObjectNode placeholderTokenizer(int vocab) {
        ObjectNode root = JSON.createObjectNode().put("version", "1.0");
        List<String> specials = List.of("<unk>", "<s>", "</s>");
        var added = root.putArray("added_tokens");
        for (int id = 0; id < specials.size(); id++) {
            added.addObject().put("id", id).put("content", specials.get(id)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        ObjectNode model = root.putObject("model").put("type", "BPE").put("unk_token", "<unk>");
        ObjectNode tokens = model.putObject("vocab");
        for (int id = 0; id < vocab; id++) {
            tokens.put(id < specials.size() ? specials.get(id) : "t" + id, id);
        }
        model.putArray("merges");
        return root;
    }

    private static ObjectNode config(ModelShape s) {
        boolean qwen = s.architecture().equals(ModelShape.QWEN2);
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(s.architecture());
        c.put("model_type", qwen ? "qwen2" : "llama");
        c.put("hidden_size", s.hidden());
        c.put("intermediate_size", s.intermediate());
        c.put("num_hidden_layers", s.layers());
        c.put("num_attention_heads", s.heads());
        c.put("num_key_value_heads", s.kvHeads());
        c.put("vocab_size", s.vocab());
        c.put("hidden_act", "silu");
        c.put("rms_norm_eps", 1e-5);
        c.put("rope_theta", s.ropeTheta());
        c.putNull("rope_scaling");
        c.put("max_position_embeddings", CONTEXT);
        c.put("tie_word_embeddings", s.tied());
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        c.put("torch_dtype", "float32");
        if (qwen) {
            c.put("use_sliding_window", false);
            c.put("sliding_window", 4096);
            c.put("max_window_layers", s.layers());
        } else {
            c.put("attention_bias", false);
            c.put("mlp_bias", false);
        }
        return c;
    }

    private static Map<String, TensorData> outerTensors(ModelShape s, SplittableRandom random) {
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", uniform(random, 0.5, s.vocab(), s.hidden()));
        t.put("model.norm.weight", norm(random, s.hidden()));
        if (!s.tied()) {
            t.put("lm_head.weight", uniform(random, 1 / Math.sqrt(s.hidden()), s.vocab(), s.hidden()));
        }
        return t;
    }

    private static Map<String, TensorData> layerTensors(ModelShape s, int layer, SplittableRandom random) {
        int q = s.heads() * s.headDim();
        int kv = s.kvHeads() * s.headDim();
        double inStd = 1 / Math.sqrt(s.hidden());
        String p = "model.layers." + layer + ".";
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put(p + "input_layernorm.weight", norm(random, s.hidden()));
        t.put(p + "self_attn.q_proj.weight", uniform(random, inStd, q, s.hidden()));
        t.put(p + "self_attn.k_proj.weight", uniform(random, inStd, kv, s.hidden()));
        t.put(p + "self_attn.v_proj.weight", uniform(random, inStd, kv, s.hidden()));
        if (s.architecture().equals(ModelShape.QWEN2)) {
            t.put(p + "self_attn.q_proj.bias", uniform(random, 0.1, q));
            t.put(p + "self_attn.k_proj.bias", uniform(random, 0.1, kv));
            t.put(p + "self_attn.v_proj.bias", uniform(random, 0.1, kv));
        }
        t.put(p + "self_attn.o_proj.weight", uniform(random, 1 / Math.sqrt(q), s.hidden(), q));
        t.put(p + "post_attention_layernorm.weight", norm(random, s.hidden()));
        t.put(p + "mlp.gate_proj.weight", uniform(random, inStd, s.intermediate(), s.hidden()));
        t.put(p + "mlp.up_proj.weight", uniform(random, inStd, s.intermediate(), s.hidden()));
        t.put(p + "mlp.down_proj.weight", uniform(random, 1 / Math.sqrt(s.intermediate()), s.hidden(),
                s.intermediate()));
        return t;
    }

    /** Uniform values with standard deviation {@code std} (half-width std·√3). */
    private static TensorData uniform(SplittableRandom random, double std, long... shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] v = new float[Math.toIntExact(count)];
        double halfWidth = std * Math.sqrt(3);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * halfWidth);
        }
        return new TensorData(DType.F32, shape, v);
    }

    private static TensorData norm(SplittableRandom random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (1 + (random.nextDouble() * 2 - 1) * 0.1);
        }
        return new TensorData(DType.F32, new long[] {size}, v);
    }

    private static void writeJson(Path file, ObjectNode node) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(node));
    }
}
