package dev.titans4j.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.hf.Families;
import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.testing.CorruptSafetensors;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exporter's bad-input corpus, generated here from a valid random checkpoint (nothing stored in git): each case
 * breaks one thing, and the CLI must exit 1 with exactly one line naming the file, tensor or key and the problem,
 * and leave no output folder (nor its staging folder) behind. {@code {hf}} in a message stands for the input folder.
 * The unit tests of each layer (SafetensorsBadInputTest, CheckpointTest, ModelConfigTest, CheckpointValidatorTest)
 * cover every variant of a class; this corpus runs one or a few of each class end to end, plus the cases of issue 16.
 */
class ExportBadInputCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEIGHTS = "model.safetensors";
    private static final String EMBED = "model.embed_tokens.weight";
    private static final String DOWN_1 = "model.layers.1.mlp.down_proj.weight";

    @TempDir
    Path dir;

    /** One way of breaking a valid checkpoint folder. */
    @FunctionalInterface
    interface Breakage {
        void apply(Path hf) throws IOException;
    }

    record Case(String name, TinyCheckpoint base, Breakage breakage, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static TinyCheckpoint base() {
        return TinyCheckpoint.llama().vocab(512);
    }

    private static Case broken(String name, Breakage breakage, String message) {
        return new Case(name, base(), breakage, message);
    }

    private static Case written(String name, TinyCheckpoint base, String message) {
        return new Case(name, base, hf -> { }, message);
    }

    static Stream<Arguments> corpus() {
        List<Case> cases = new ArrayList<>();
        // issue 16: accepted before, then failing in generate
        cases.add(broken("no tokenizer.json", hf -> Files.delete(hf.resolve("tokenizer.json")),
                "{hf}: no tokenizer.json"));
        cases.add(broken("tokenizer.json not JSON", hf -> Files.writeString(hf.resolve("tokenizer.json"), "<html>"),
                "tokenizer.json: not valid JSON: Unexpected character ('<' (code 60)): expected a valid value (JSON"
                        + " String, Number, Array, Object or token 'null', 'true' or 'false') (line 1, column 1)"));
        cases.add(broken("tokenizer.json truncated", hf -> CorruptSafetensors.truncateBy(hf.resolve("tokenizer.json"),
                        40),
                "tokenizer.json: not valid JSON: Unexpected end-of-input in field name (line 554, column 11)"));
        cases.add(broken("tokenizer.json without a model", hf -> Files.writeString(hf.resolve("tokenizer.json"),
                        "{\"version\": \"1.0\"}"),
                "tokenizer.json: 'model' is missing; not a Hugging Face tokenizer.json"));
        cases.add(broken("tokenizer.json without a vocabulary", hf -> editJson(hf.resolve("tokenizer.json"),
                        t -> ((ObjectNode) t.get("model")).remove("vocab")),
                "tokenizer.json: 'model.vocab' is missing; not a Hugging Face tokenizer.json"));
        cases.add(broken("tokenizer vocabulary larger than vocab_size", hf -> editJson(hf.resolve("tokenizer.json"),
                        t -> ((ObjectNode) t.get("model").get("vocab")).put("t600", 600)),
                "tokenizer.json: 'model.vocab' token 't600' has id 600, outside the model's vocabulary (vocab_size"
                        + " 512)"));
        cases.add(broken("tokenizer id not an integer", hf -> editJson(hf.resolve("tokenizer.json"),
                        t -> ((ObjectNode) t.get("model").get("vocab")).put("t7", "seven")),
                "tokenizer.json: 'model.vocab' token 't7' has id \"seven\", not a whole number from 0 to 16777215"));
        cases.add(broken("added token outside the vocabulary", hf -> editJson(hf.resolve("tokenizer.json"),
                        t -> t.withArray("added_tokens").addObject().put("id", 512).put("content", "<extra>")),
                "tokenizer.json: 'added_tokens' token '<extra>' has id 512, outside the model's vocabulary"
                        + " (vocab_size 512)"));
        cases.add(broken("no token for the BOS id", hf -> editJson(hf.resolve("tokenizer.json"), t -> {
            ((ObjectNode) t.get("model").get("vocab")).remove("<s>");
            t.withArray("added_tokens").remove(1);
        }), "tokenizer.json: no token has the BOS id 1 (bos_token_id)"));
        cases.add(written("bos_token_id 99999 with a 512-token vocabulary", base().config("bos_token_id", 99999),
                "config.json: 'bos_token_id' 99999 is not a token id: vocab_size is 512"));
        cases.add(written("eos_token_id = vocab_size", base().eosTokenIds(2, 512),
                "generation_config.json: 'eos_token_id' 512 is not a token id: vocab_size is 512"));
        cases.add(written("pad_token_id beyond the vocabulary", base().config("pad_token_id", 600),
                "config.json: 'pad_token_id' 600 is not a token id: vocab_size is 512"));
        cases.add(new Case("add_bos_token without a BOS id", TinyCheckpoint.qwen2().vocab(512)
                .removeConfig("bos_token_id"), hf -> {
            editJson(hf.resolve("generation_config.json"), g -> g.remove("bos_token_id"));
            Files.writeString(hf.resolve("tokenizer_config.json"), "{\"add_bos_token\": true}");
        }, "tokenizer_config.json: 'add_bos_token' is true, but neither config.json nor generation_config.json sets"
                + " bos_token_id (Qwen2ForCausalLM has no default): there is no BOS token to prepend"));
        cases.add(broken("special_tokens_map.json not JSON", hf -> Files.writeString(
                        hf.resolve("special_tokens_map.json"), "{\"bos_token\": "),
                "special_tokens_map.json: not valid JSON: Unexpected end-of-input within/between Object entries"
                        + " (line 1, column 15)"));
        cases.add(broken("chat_template.jinja not UTF-8", hf -> Files.write(hf.resolve("chat_template.jinja"),
                        new byte[] {'{', '{', (byte) 0xff, '}', '}'}),
                "chat_template.jinja: not UTF-8 text (a binary file?)"));
        cases.add(broken("tokenizer_config.json not JSON", hf -> Files.writeString(
                        hf.resolve("tokenizer_config.json"), "add_bos_token = true"),
                "tokenizer_config.json: not valid JSON: Unrecognized token 'add_bos_token': was expecting (JSON"
                        + " String, Number, Array, Object or token 'null', 'true' or 'false') (line 1, column 1)"));
        // issue 16: NaN / Inf weights (the SVD of an MLP matrix did not converge; NaN logits at run time)
        cases.add(broken("NaN in embed_tokens", hf -> setValue(hf, EMBED, 1000, Float.NaN),
                "model.safetensors: tensor 'model.embed_tokens.weight': value at flat index 1000 is NaN; every"
                        + " weight must be finite"));
        cases.add(broken("NaN in model.norm", hf -> setValue(hf, "model.norm.weight", 31, Float.NaN),
                "model.safetensors: tensor 'model.norm.weight': value at flat index 31 is NaN; every weight must be"
                        + " finite"));
        cases.add(broken("NaN in an MLP matrix", hf -> setValue(hf, DOWN_1, 7, Float.NaN),
                "model.safetensors: tensor 'model.layers.1.mlp.down_proj.weight': value at flat index 7 is NaN;"
                        + " every weight must be finite"));
        cases.add(broken("Inf in an MLP matrix", hf -> setValue(hf, "model.layers.0.mlp.gate_proj.weight", 0,
                        Float.POSITIVE_INFINITY),
                "model.safetensors: tensor 'model.layers.0.mlp.gate_proj.weight': value at flat index 0 is Infinity;"
                        + " every weight must be finite"));
        cases.add(broken("-Inf in an attention matrix", hf -> setValue(hf, "model.layers.1.self_attn.v_proj.weight",
                        255, Float.NEGATIVE_INFINITY),
                "model.safetensors: tensor 'model.layers.1.self_attn.v_proj.weight': value at flat index 255 is"
                        + " -Infinity; every weight must be finite"));
        cases.add(broken("NaN in lm_head", hf -> setValue(hf, "lm_head.weight", 16383, Float.NaN),
                "model.safetensors: tensor 'lm_head.weight': value at flat index 16383 is NaN; every weight must be"
                        + " finite"));
        cases.add(new Case("Inf in an F16 checkpoint", base().dtype(DType.F16),
                hf -> setValue(hf, "model.layers.0.input_layernorm.weight", 3, Float.POSITIVE_INFINITY),
                "model.safetensors: tensor 'model.layers.0.input_layernorm.weight': value at flat index 3 is Infinity;"
                        + " every weight must be finite"));
        cases.add(new Case("NaN in a BF16 shard", base().dtype(DType.BF16).shards(2),
                hf -> setValue(hf.resolve("model-00002-of-00002.safetensors"), DOWN_1, 5, Float.NaN),
                "model-00002-of-00002.safetensors: tensor 'model.layers.1.mlp.down_proj.weight': value at flat index"
                        + " 5 is NaN; every weight must be finite"));
        // issue 16: a header length 3 bytes short (padded header still parses; every tensor shifted)
        cases.add(broken("header length 3 bytes short", hf -> CorruptSafetensors.rewriteHeader(hf.resolve(WEIGHTS),
                        UnaryOperator.identity(), 8, -3),
                "model.safetensors: 3 unused bytes after the last tensor ('lm_head.weight' ends at data byte 193152);"
                        + " the header length is wrong or bytes were appended to the file"));
        cases.add(broken("bytes appended to the weights", hf -> Files.write(hf.resolve(WEIGHTS), new byte[16],
                        java.nio.file.StandardOpenOption.APPEND),
                "model.safetensors: 16 unused bytes after the last tensor ('lm_head.weight' ends at data byte"
                        + " 193152); the header length is wrong or bytes were appended to the file"));
        // issue 16: sizes from config.json checked against the tensors before anything is allocated
        cases.add(written("num_hidden_layers 1000000000", base().config("num_hidden_layers", 1_000_000_000),
                "{hf}: config.json has num_hidden_layers 1000000000 but the weights hold 2 layers"));
        cases.add(written("num_hidden_layers one more than stored", base().config("num_hidden_layers", 3),
                "{hf}: config.json has num_hidden_layers 3 but the weights hold 2 layers"));
        cases.add(written("vocab_size 1000000000", base().config("vocab_size", 1_000_000_000),
                "{hf}: 2 problems with the weights: tensor 'model.embed_tokens.weight' has shape [512, 32],"
                        + " config.json implies [1000000000, 32]; tensor 'lm_head.weight' has shape [512, 32],"
                        + " config.json implies [1000000000, 32]"));
        cases.add(written("hidden_size 2000000000", base().config("hidden_size", 2_000_000_000).headDim(8),
                "{hf}: 21 problems with the weights: tensor 'model.embed_tokens.weight' has shape [512, 32],"
                        + " config.json implies [512, 2000000000]; tensor 'model.layers.0.input_layernorm.weight'"
                        + " has shape [32], config.json implies [2000000000]; tensor"
                        + " 'model.layers.0.self_attn.q_proj.weight' has shape [32, 32], config.json implies [32,"
                        + " 2000000000]; tensor 'model.layers.0.self_attn.k_proj.weight' has shape [16, 32],"
                        + " config.json implies [16, 2000000000]; tensor 'model.layers.0.self_attn.v_proj.weight' has"
                        + " shape [16, 32], config.json implies [16, 2000000000]; tensor"
                        + " 'model.layers.0.self_attn.o_proj.weight' has shape [32, 32], config.json implies"
                        + " [2000000000, 32]; tensor 'model.layers.0.post_attention_layernorm.weight' has shape [32],"
                        + " config.json implies [2000000000]; tensor 'model.layers.0.mlp.gate_proj.weight' has shape"
                        + " [48, 32], config.json implies [48, 2000000000]; tensor 'model.layers.0.mlp.up_proj.weight'"
                        + " has shape [48, 32], config.json implies [48, 2000000000]; tensor"
                        + " 'model.layers.0.mlp.down_proj.weight' has shape [32, 48], config.json implies"
                        + " [2000000000, 48]; ... and 11 more"));
        cases.add(written("intermediate_size 2147483647", base().config("intermediate_size", Integer.MAX_VALUE),
                "{hf}: 6 problems with the weights: tensor 'model.layers.0.mlp.gate_proj.weight' has shape [48, 32],"
                        + " config.json implies [2147483647, 32]; tensor 'model.layers.0.mlp.up_proj.weight' has shape"
                        + " [48, 32], config.json implies [2147483647, 32]; tensor"
                        + " 'model.layers.0.mlp.down_proj.weight' has shape [32, 48], config.json implies [32,"
                        + " 2147483647]; tensor 'model.layers.1.mlp.gate_proj.weight' has shape [48, 32], config.json"
                        + " implies [2147483647, 32]; tensor 'model.layers.1.mlp.up_proj.weight' has shape [48, 32],"
                        + " config.json implies [2147483647, 32]; tensor 'model.layers.1.mlp.down_proj.weight' has"
                        + " shape [32, 48], config.json implies [32, 2147483647]"));
        cases.add(written("head_dim 2^30", base().config("head_dim", 1 << 30),
                "config.json: 'max_position_embeddings' 128 with head_dim 1073741824 needs rotary tables of"
                        + " 68719476736 values, more than the 268435456 the exporter builds (1 GiB a table)"));
        cases.add(written("head_dim 2^29 (heads x head_dim wraps in int)",
                base().config("head_dim", 1 << 29).maxPositions(1),
                "{hf}: 8 problems with the weights: tensor 'model.layers.0.self_attn.q_proj.weight' has shape [32,"
                        + " 32], config.json implies [2147483648, 32]; tensor 'model.layers.0.self_attn.k_proj.weight'"
                        + " has shape [16, 32], config.json implies [1073741824, 32]; tensor"
                        + " 'model.layers.0.self_attn.v_proj.weight' has shape [16, 32], config.json implies"
                        + " [1073741824, 32]; tensor 'model.layers.0.self_attn.o_proj.weight' has shape [32, 32],"
                        + " config.json implies [32, 2147483648]; tensor 'model.layers.1.self_attn.q_proj.weight' has"
                        + " shape [32, 32], config.json implies [2147483648, 32]; tensor"
                        + " 'model.layers.1.self_attn.k_proj.weight' has shape [16, 32], config.json implies"
                        + " [1073741824, 32]; tensor 'model.layers.1.self_attn.v_proj.weight' has shape [16, 32],"
                        + " config.json implies [1073741824, 32]; tensor 'model.layers.1.self_attn.o_proj.weight' has"
                        + " shape [32, 32], config.json implies [32, 2147483648]"));
        cases.add(written("max_position_embeddings 1000000000 (rotary tables)",
                base().config("max_position_embeddings", 1_000_000_000),
                "config.json: 'max_position_embeddings' 1000000000 with head_dim 8 needs rotary tables of 4000000000"
                        + " values, more than the 268435456 the exporter builds (1 GiB a table)"));
        // the project's existing classes, end to end: broken configs
        cases.add(broken("no config.json", hf -> Files.delete(hf.resolve("config.json")), "{hf}: no config.json"));
        cases.add(broken("config.json not JSON", hf -> Files.writeString(hf.resolve("config.json"),
                        "{\"architectures\": ["),
                "config.json: not valid JSON: Unexpected end-of-input: expected close marker for Array (start marker"
                        + " at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1,"
                        + " column: 19]) (line 1, column 20)"));
        cases.add(broken("config.json an array", hf -> Files.writeString(hf.resolve("config.json"), "[]"),
                "config.json: not a JSON object"));
        cases.add(broken("config.json with a duplicate key", hf -> Files.writeString(hf.resolve("config.json"),
                        Files.readString(hf.resolve("config.json")).replaceFirst("\\{", "{\"vocab_size\": 7, ")),
                "config.json: not valid JSON: Duplicate field 'vocab_size' (line 9, column 15)"));
        cases.add(written("unsupported architecture", TinyCheckpoint.of("GPT2LMHeadModel").vocab(512),
                "unsupported architecture GPT2LMHeadModel; supported: Gemma3ForCausalLM, LlamaForCausalLM,"
                        + " MistralForCausalLM, Phi3ForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM,"
                        + " SmolLM3ForCausalLM"));
        cases.add(written("hidden_act gelu", base().config("hidden_act", "gelu"),
                "config.json: 'hidden_act' is 'gelu'; only silu (SwiGLU) is supported"));
        cases.add(written("num_hidden_layers 0", base().config("num_hidden_layers", 0),
                "config.json: 'num_hidden_layers' must be positive, found 0"));
        cases.add(written("num_hidden_layers a string", base().config("num_hidden_layers", "2"),
                "config.json: 'num_hidden_layers' must be an integer, found \"2\""));
        cases.add(written("num_hidden_layers beyond int", base().config("num_hidden_layers", 1L << 40),
                "config.json: 'num_hidden_layers' must be an integer, found 1099511627776"));
        cases.add(written("heads not a multiple of kv heads", base().kvHeads(3),
                "config.json: 'num_attention_heads' (4) is not a multiple of num_key_value_heads (3)"));
        cases.add(written("head_dim ONNX Runtime cannot run", base().headDim(12),
                "{hf}/config.json: head_dim 12 is not supported: ONNX Runtime's GroupQueryAttention needs a"
                        + " multiple of 8"));
        cases.add(written("negative rms_norm_eps", base().rmsNormEps(-1e-6),
                "config.json: 'rms_norm_eps' must be positive, found -1.0E-6"));
        cases.add(written("mlp_bias", base().config("mlp_bias", true),
                "config.json: 'mlp_bias' is true; MLP biases are not supported"));
        cases.add(broken("generation_config.json not JSON", hf -> Files.writeString(
                        hf.resolve("generation_config.json"), "{\"eos_token_id\": [2, "),
                "generation_config.json: not valid JSON: Unexpected end-of-input within/between Array entries (line"
                        + " 1, column 22)"));
        // weights that do not fit the config
        cases.add(written("missing tensor", base().omit("model.layers.1.mlp.up_proj.weight"),
                "{hf}: tensor 'model.layers.1.mlp.up_proj.weight' is missing"));
        // word embeddings in a form transformers would not load (it would initialise them randomly)
        cases.add(written("untied, only lm_head stored, metadata alias", base().omit(EMBED)
                        .metadata(EMBED, "lm_head.weight"),
                "{hf}: tensor 'model.embed_tokens.weight' is missing; the safetensors metadata names 'lm_head.weight'"
                        + " as its stored copy, but config.json has tie_word_embeddings false, so transformers would"
                        + " not tie them and would initialise the embedding randomly"));
        cases.add(written("tied, neither embedding nor lm_head stored", base().tied(true).omit(EMBED),
                "{hf}: tensor 'model.embed_tokens.weight' is missing, and there is no 'lm_head.weight' to tie it to"
                        + " (config.json has tie_word_embeddings true)"));
        cases.add(written("tied, only lm_head stored, wrong shape", base().tied(true).omit(EMBED)
                        .tensorShape("lm_head.weight", 511, 32),
                "{hf}: tensor 'lm_head.weight' has shape [511, 32], config.json implies [512, 32]"));
        cases.add(written("wrong shape", base().tensorShape("model.layers.1.mlp.up_proj.weight", 47, 32),
                "{hf}: tensor 'model.layers.1.mlp.up_proj.weight' has shape [47, 32], config.json implies [48, 32]"));
        cases.add(written("unexpected bias", base().tensorShape("model.layers.0.mlp.up_proj.bias", 48),
                "{hf}: unexpected tensor 'model.layers.0.mlp.up_proj.bias' (not used by LlamaForCausalLM with this"
                        + " config.json)"));
        cases.add(written("stray layer tensor far beyond the config",
                base().tensorShape("model.layers.999999999.mlp.up_proj.weight", 1),
                "{hf}: unexpected tensor 'model.layers.999999999.mlp.up_proj.weight' (not used by LlamaForCausalLM"
                        + " with this config.json)"));
        // truncated and malicious safetensors
        cases.add(broken("no weights", hf -> Files.delete(hf.resolve(WEIGHTS)),
                "{hf}: no model.safetensors or model.safetensors.index.json (only safetensors checkpoints are"
                        + " supported)"));
        cases.add(broken("weights truncated", hf -> CorruptSafetensors.truncateBy(hf.resolve(WEIGHTS), 100),
                "model.safetensors: tensor 'lm_head.weight': data_offsets [127616, 193152] extend past the end of the"
                        + " data region (193052 bytes); the file is truncated or the header is wrong"));
        cases.add(broken("weights cut inside the header", hf -> CorruptSafetensors.truncateBy(hf.resolve(WEIGHTS),
                        Files.size(hf.resolve(WEIGHTS)) - 20),
                "model.safetensors: header length 2112 exceeds the file size (20 bytes); the file is truncated or not"
                        + " a safetensors file"));
        cases.add(broken("weights file of 3 bytes", hf -> CorruptSafetensors.raw(hf.resolve(WEIGHTS), (byte) 1,
                        (byte) 2, (byte) 3),
                "model.safetensors: file is 3 bytes, too short for a safetensors header (at least 8 bytes)"));
        cases.add(broken("header length 0", hf -> CorruptSafetensors.setHeaderLength(hf.resolve(WEIGHTS), 0),
                "model.safetensors: header length is 0"));
        cases.add(broken("header length 2^64 - 1", hf -> CorruptSafetensors.setHeaderLength(hf.resolve(WEIGHTS), -1),
                "model.safetensors: header length 18446744073709551615 exceeds the file size (195272 bytes); the file"
                        + " is truncated or not a safetensors file"));
        cases.add(broken("header length 3 bytes long", hf -> CorruptSafetensors.rewriteHeader(hf.resolve(WEIGHTS),
                        UnaryOperator.identity(), 0, 3),
                "model.safetensors: header is not valid JSON: Unrecognized token 'ô': was expecting (JSON String,"
                        + " Number, Array, Object or token 'null', 'true' or 'false')"));
        cases.add(broken("unsupported dtype", hf -> CorruptSafetensors.rewriteHeader(hf.resolve(WEIGHTS),
                        h -> h.replaceFirst("\"F32\"", "\"I64\""), 0, 0),
                "model.safetensors: tensor 'model.embed_tokens.weight': unsupported dtype I64 (supported: F32, F16,"
                        + " BF16)"));
        cases.add(broken("overlapping tensors", hf -> editHeader(hf, h -> h.set("model.layers.0.post_attention_layernorm"
                        + ".weight", h.get("model.layers.0.input_layernorm.weight"))),
                "model.safetensors: tensor 'model.layers.0.post_attention_layernorm.weight': data_offsets [65536,"
                        + " 65664] overlap tensor 'model.layers.0.input_layernorm.weight' [65536, 65664]"));
        cases.add(broken("size that does not match the shape", hf -> editHeader(hf,
                        h -> ((ObjectNode) h.get("model.norm.weight")).putArray("shape").add(31)),
                "model.safetensors: tensor 'model.norm.weight': data_offsets [127488, 127616] do not match shape [31]"
                        + " of F32 (124 bytes)"));
        // sharded checkpoints: broken index, escaping shard names
        TinyCheckpoint sharded = base().shards(2);
        cases.add(new Case("index not JSON", sharded, hf -> Files.writeString(hf.resolve(
                        "model.safetensors.index.json"), "{"),
                "model.safetensors.index.json: not valid JSON: Unexpected end-of-input: expected close marker for"
                        + " Object (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`"
                        + " disabled); line: 1, column: 1])"));
        cases.add(new Case("index naming a missing shard", sharded, hf -> Files.delete(hf.resolve(
                        "model-00002-of-00002.safetensors")),
                "model.safetensors.index.json: tensor 'model.layers.1.input_layernorm.weight': shard"
                        + " 'model-00002-of-00002.safetensors' does not exist"));
        cases.add(new Case("shard outside the model folder", sharded, hf -> editIndex(hf,
                        "model-00002-of-00002.safetensors", "../model-00002-of-00002.safetensors"),
                "model.safetensors.index.json: tensor 'model.layers.1.input_layernorm.weight': shard"
                        + " '../model-00002-of-00002.safetensors' is not a file name inside the model folder"));
        cases.add(new Case("shard given as an absolute path", sharded, hf -> editIndex(hf,
                        "model-00002-of-00002.safetensors", "/etc/passwd"),
                "model.safetensors.index.json: tensor 'model.layers.1.input_layernorm.weight': shard '/etc/passwd' is"
                        + " not a file name inside the model folder"));
        cases.add(new Case("shard name with a NUL character", sharded, hf -> editIndex(hf,
                        "model-00002-of-00002.safetensors", "model-00002\\u0000.safetensors"),
                "model.safetensors.index.json: tensor 'model.layers.1.input_layernorm.weight': shard"
                        + " 'model-00002\u0000.safetensors' is not a file name inside the model folder"));
        cases.add(new Case("index mapping a tensor to the wrong shard", sharded, hf -> editIndex(hf,
                        "\"model.norm.weight\":\"model-00002-of-00002.safetensors\"",
                        "\"model.norm.weight\":\"model-00001-of-00002.safetensors\""),
                "model.safetensors.index.json: tensor 'model.norm.weight': mapped to model-00001-of-00002.safetensors,"
                        + " which does not contain it"));
        return cases.stream().map(c -> Arguments.of(c.name(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void exitsWithOneLineNamingTheProblemAndLeavesNoFolder(String name, Case c) throws IOException {
        Path hf = c.base().write(dir.resolve("hf"));
        c.breakage().apply(hf);
        Path out = dir.resolve("out");
        Result result = run("-i", hf.toString(), "-o", out.toString(), "--quiet");

        assertThat(result.err()).isEqualTo("error: " + c.message().replace("{hf}", hf.toString()) + "\n");
        assertThat(result.exit()).isEqualTo(ExportCommand.EXIT_BAD_INPUT);
        assertThat(result.out()).isEmpty();
        assertThat(listing(dir)).as("nothing but the input is left").containsOnlyKeys("hf");
    }

    /** The corpus's own base checkpoint exports, so every failure above is the breakage's doing. */
    @Test
    void theUnbrokenBaseExports() throws IOException {
        Path hf = base().write(dir.resolve("hf"));
        assertThat(run("-i", hf.toString(), "-o", dir.resolve("out").toString(), "--quiet").exit()).isZero();
        assertThat(listing(dir)).containsOnlyKeys("hf", "out");
    }

    /** With --force, a failed export leaves the existing folder exactly as it found it, earlier export included. */
    @Test
    void aFailedForcedExportLeavesTheFolderAsItWas() throws IOException {
        Path good = base().write(dir.resolve("good"));
        Path out = dir.resolve("out");
        assertThat(run("-i", good.toString(), "-o", out.toString(), "--quiet").exit()).isZero();
        Files.writeString(out.resolve("notes.txt"), "mine");
        Map<String, byte[]> before = contents(out);

        Path bad = base().write(dir.resolve("bad"));
        setValue(bad, DOWN_1, 7, Float.NaN);
        Result result = run("-i", bad.toString(), "-o", out.toString(), "--quiet", "--force");

        assertThat(result.exit()).isEqualTo(ExportCommand.EXIT_BAD_INPUT);
        assertThat(result.err()).startsWith("error: model.safetensors: tensor '" + DOWN_1 + "'");
        assertThat(contents(out)).containsOnlyKeys(before.keySet().toArray(String[]::new));
        before.forEach((file, bytes) -> assertThat(out.resolve(file)).as(file).hasBinaryContent(bytes));
        assertThat(listing(dir)).containsOnlyKeys("good", "bad", "out");
    }

    /** An empty output folder that an export fails to fill is still there, still empty; parents it made are not. */
    @Test
    void aFailedExportKeepsAnEmptyOutputAndRemovesTheParentsItCreated() throws IOException {
        Path hf = base().write(dir.resolve("hf"));
        setValue(hf, EMBED, 0, Float.NaN);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(run("-i", hf.toString(), "-o", empty.toString(), "--quiet").exit()).isEqualTo(1);
        assertThat(empty).isEmptyDirectory();

        Path deep = dir.resolve("a").resolve("b").resolve("out");
        assertThat(run("-i", hf.toString(), "-o", deep.toString(), "--quiet").exit()).isEqualTo(1);
        assertThat(listing(dir)).containsOnlyKeys("hf", "empty");
    }

    /** float16 holds magnitudes up to 65504: an fp16 export refuses a larger weight rather than store infinity. */
    @Test
    void aWeightBeyondFloat16IsRefusedByAnFp16Export() throws IOException {
        Path hf = base().write(dir.resolve("hf"));
        setValue(hf, DOWN_1, 7, 70000f);
        Path out = dir.resolve("out");
        Result result = run("-i", hf.toString(), "-o", out.toString(), "--quiet", "--precision", "fp16");

        assertThat(result.err()).isEqualTo("error: tensor '" + DOWN_1 + "': value 70000.0 at flat index 7 does not"
                + " fit float16 (largest 65504) and would be stored as infinity; export with --precision fp32 or"
                + " int4\n");
        assertThat(result.exit()).isEqualTo(ExportCommand.EXIT_BAD_INPUT);
        assertThat(listing(dir)).containsOnlyKeys("hf");
        assertThat(run("-i", hf.toString(), "-o", out.toString(), "--quiet").exit()).as("fp32 holds it").isZero();
    }

    @Test
    void anOutputThatIsAFileIsNamedAndKept() throws IOException {
        Path hf = base().write(dir.resolve("hf"));
        Path file = Files.writeString(dir.resolve("out"), "not a folder");
        Result result = run("-i", hf.toString(), "-o", file.toString(), "--quiet");
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: output " + file + " exists and is not a folder\n");
        assertThat(file).hasContent("not a folder");
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = ExportCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static void setValue(Path hf, String tensor, long index, float value) throws IOException {
        Path file = Files.isDirectory(hf) ? hf.resolve(WEIGHTS) : hf;
        CorruptSafetensors.setValue(file, tensor, index, value);
    }

    private static void editJson(Path file, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(root);
        Files.writeString(file, JSON.writeValueAsString(root));
    }

    /** Edits the safetensors header of {@code hf}'s weights as JSON, keeping the data region. */
    private static void editHeader(Path hf, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        CorruptSafetensors.rewriteHeader(hf.resolve(WEIGHTS), header -> {
            try {
                ObjectNode root = (ObjectNode) JSON.readTree(header);
                edit.accept(root);
                return JSON.writeValueAsString(root);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, 0, 0);
    }

    private static void editIndex(Path hf, String from, String to) throws IOException {
        Path index = hf.resolve("model.safetensors.index.json");
        String compact = JSON.writeValueAsString(JSON.readTree(index.toFile()));
        int at = compact.indexOf(from);
        Files.writeString(index, compact.substring(0, at) + to + compact.substring(at + from.length()));
    }

    /** Entry name → bytes (folders as empty arrays), one level deep. */
    private static Map<String, byte[]> listing(Path folder) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : list.toList()) {
                entries.put(p.getFileName().toString(), new byte[0]);
            }
        }
        return entries;
    }

    private static Map<String, byte[]> contents(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : list.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }
}
