package dev.titans4j.export.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.titans4j.export.testing.SharedData;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {

    @TempDir
    Path dir;

    @Test
    void readsStories260K() throws IOException {
        ModelConfig c = ModelConfig.load(SharedData.require("models/stories260K"));

        assertThat(c.architecture()).isEqualTo("LlamaForCausalLM");
        assertThat(c.family()).isSameAs(Families.LLAMA);
        assertThat(c.modelType()).isEqualTo("llama");
        assertThat(c.dims()).isEqualTo(new ModelConfig.Dimensions(64, 172, 5, 8, 4, 8, 512, 512));
        assertThat(c.norms().eps()).isEqualTo(1e-5);
        assertThat(c.rope().global().theta()).isEqualTo(10000.0);
        assertThat(c.rope().global().scaling()).isNull();
        assertThat(c.embedding().tied()).isTrue();
        assertThat(c.attention().qkvBias()).isFalse();
        assertThat(c.attention().outputBias()).isFalse();
        assertThat(c.attention().slidingWindow()).isNull();
        assertThat(c.tokens().bosTokenId()).isEqualTo(1);
        assertThat(c.tokens().eosTokenIds()).containsExactly(2);
        assertThat(c.tokens().padTokenId()).isNull();
        assertThat(c.mlp().hiddenAct()).isEqualTo("silu");
        assertThat(c.tokens().addBosToken()).isTrue();
        assertThat(c.chatTemplate()).isNull();
        assertThat(c.dims().kvGroupSize()).isEqualTo(2);
        assertThat(c.parameterCount())
                .isEqualTo(512 * 64 + 5 * (2 * 64 + 64 * 64 * 2 + 32 * 64 * 2 + 3 * 64 * 172) + 64);
    }

    @Test
    void llamaWithLlama3RopeScalingAndBias() throws IOException {
        TinyCheckpoint.llama().bias(true).ropeTheta(500000).llama3RopeScaling(8, 1, 4, 64).maxPositions(256)
                .write(dir);
        ModelConfig c = ModelConfig.load(dir);

        assertThat(c.rope().global().scaling()).isEqualTo(RopeScaling.llama3(8, 1, 4, 64));
        assertThat(c.rope().global().theta()).isEqualTo(500000.0);
        assertThat(c.attention().qkvBias()).isTrue();
        assertThat(c.attention().outputBias()).isTrue();
        assertThat(c.expectedTensors()).containsKeys("model.layers.1.self_attn.o_proj.bias",
                "model.layers.0.self_attn.k_proj.bias");
    }

    /** transformers' _compute_llama3_parameters: keep high frequencies, divide low ones, interpolate between. */
    @Test
    void llama3ScalingOfRopeFrequencies() throws IOException {
        // Llama 3.1 8B: theta 500000, head_dim 128, factor 8, low 1, high 4, original context 8192
        TinyCheckpoint.llama().hidden(256).heads(2).kvHeads(1).ropeTheta(500000)
                .llama3RopeScaling(8, 1, 4, 8192).write(dir);
        ModelConfig c = ModelConfig.load(dir);
        double[] scaled = c.rope().inverseFrequencies(ModelConfig.RopeKind.GLOBAL);
        assertThat(scaled).hasSize(64);
        for (int i = 0; i < 64; i++) {
            double plain = 1.0 / Math.pow(500000, 2.0 * i / 128);
            double wavelength = 2 * Math.PI / plain;
            if (wavelength < 8192 / 4.0) {
                assertThat(scaled[i]).as("high frequency %d", i).isEqualTo(plain);
            } else if (wavelength > 8192 / 1.0) {
                assertThat(scaled[i]).as("low frequency %d", i).isCloseTo(plain / 8, within(1e-18));
            } else {
                assertThat(scaled[i]).as("medium frequency %d", i).isBetween(plain / 8, plain);
            }
        }
        // a medium frequency checked by hand: i = 32, plain = 500000^(-64/128), wavelength 4443
        double plain = Math.pow(500000, -64.0 / 128);
        double smooth = (8192 / (2 * Math.PI / plain) - 1) / (4 - 1);
        assertThat(scaled[32]).isCloseTo((1 - smooth) * plain / 8 + smooth * plain, within(1e-15));
        assertThat(smooth).isBetween(0.0, 1.0);
    }

    @Test
    void ropeTypeMayBeSpelledTypeAndDefaultMeansNone() throws IOException {
        TinyCheckpoint.llama().config("rope_scaling", Map.of("type", "llama3", "factor", 2.0,
                "low_freq_factor", 1.0, "high_freq_factor", 2.0, "original_max_position_embeddings", 32)).write(dir);
        assertThat(ModelConfig.load(dir).rope().global().scaling()).isEqualTo(RopeScaling.llama3(2, 1, 2, 32));

        TinyCheckpoint.llama().config("rope_scaling", Map.of("rope_type", "default")).write(dir);
        assertThat(ModelConfig.load(dir).rope().global().scaling()).isNull();
    }

    @Test
    void transformers5RopeParameters() throws IOException {
        TinyCheckpoint.llama().removeConfig("rope_theta").removeConfig("rope_scaling")
                .config("rope_parameters", Map.of("rope_type", "llama3", "rope_theta", 500000.0, "factor", 32.0,
                        "low_freq_factor", 1.0, "high_freq_factor", 4.0, "original_max_position_embeddings", 8192))
                .write(dir);
        ModelConfig c = ModelConfig.load(dir);
        assertThat(c.rope().global().theta()).isEqualTo(500000.0);
        assertThat(c.rope().global().scaling()).isEqualTo(RopeScaling.llama3(32, 1, 4, 8192));
    }

    @Test
    void unsupportedRopeScaling() throws IOException {
        TinyCheckpoint.llama().config("rope_scaling", Map.of("rope_type", "yarn", "factor", 4.0)).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .isInstanceOf(ModelConfigException.class)
                .hasMessage("config.json: 'rope_scaling' type 'yarn' is not supported (supported: llama3, linear, or none)");

        TinyCheckpoint.llama().config("rope_scaling", Map.of("rope_type", "llama3", "factor", 8.0)).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'rope_scaling' llama3 scaling is missing the number 'low_freq_factor'");

        TinyCheckpoint.llama().llama3RopeScaling(8, 4, 1, 8192).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessageStartingWith("config.json: 'rope_scaling' llama3 needs factor > 0,"
                        + " 0 < low_freq_factor < high_freq_factor");
    }

    @Test
    void qwen2HasQkvBiasNoOutputBiasNoBosAndIgnoresDisabledSlidingWindow() throws IOException {
        TinyCheckpoint.qwen2().tied(true).eosTokenIds(2, 5).write(dir);
        ModelConfig c = ModelConfig.load(dir);

        assertThat(c.architecture()).isEqualTo("Qwen2ForCausalLM");
        assertThat(c.modelType()).isEqualTo("qwen2");
        assertThat(c.attention().qkvBias()).isTrue();
        assertThat(c.attention().outputBias()).isFalse();
        assertThat(c.attention().slidingWindow()).as("use_sliding_window is false").isNull();
        assertThat(c.tokens().addBosToken()).isFalse();
        assertThat(c.tokens().eosTokenIds()).containsExactly(2, 5);
        assertThat(c.expectedTensors()).containsKey("model.layers.0.self_attn.q_proj.bias")
                .doesNotContainKey("model.layers.0.self_attn.o_proj.bias")
                .doesNotContainKey("lm_head.weight");
    }

    @Test
    void qwen2WithSlidingWindowEnabledIsRejected() throws IOException {
        TinyCheckpoint.qwen2().config("use_sliding_window", true).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .isInstanceOf(ModelConfigException.class)
                .hasMessage("config.json: 'use_sliding_window' is true; Qwen2 per-layer sliding-window attention is"
                        + " not supported");
    }

    @Test
    void mistralSlidingWindow() throws IOException {
        TinyCheckpoint.mistral().slidingWindow(16).write(dir);
        ModelConfig c = ModelConfig.load(dir);
        assertThat(c.attention().slidingWindow()).isEqualTo(16);
        assertThat(c.attention().qkvBias()).isFalse();
        assertThat(c.tokens().addBosToken()).isTrue();

        TinyCheckpoint.mistral().slidingWindow(null).write(dir);
        assertThat(ModelConfig.load(dir).attention().slidingWindow()).as("explicit null").isNull();

        TinyCheckpoint.mistral().removeConfig("sliding_window").write(dir);
        assertThat(ModelConfig.load(dir).attention().slidingWindow()).as("MistralConfig default").isEqualTo(4096);
    }

    @Test
    void headDimDefaultsToHiddenOverHeadsButMayBeExplicit() throws IOException {
        TinyCheckpoint.llama().hidden(32).heads(4).write(dir);
        assertThat(ModelConfig.load(dir).dims().headDim()).isEqualTo(8);

        TinyCheckpoint.mistral().hidden(32).heads(4).kvHeads(2).headDim(16).write(dir);
        ModelConfig c = ModelConfig.load(dir);
        assertThat(c.dims().headDim()).isEqualTo(16);
        assertThat(c.expectedTensors().get("model.layers.0.self_attn.q_proj.weight")).containsExactly(64, 32);
        assertThat(c.expectedTensors().get("model.layers.0.self_attn.o_proj.weight")).containsExactly(32, 64);
        assertThat(c.expectedTensors().get("model.layers.0.self_attn.v_proj.weight")).containsExactly(32, 32);
    }

    @Test
    void defaultsWhenOptionalKeysAreAbsent() throws IOException {
        TinyCheckpoint.llama().removeConfig("num_key_value_heads").removeConfig("rope_theta")
                .removeConfig("rms_norm_eps").removeConfig("tie_word_embeddings").removeConfig("hidden_act")
                .removeConfig("max_position_embeddings").removeConfig("rope_scaling").removeConfig("attention_bias")
                .write(dir);
        ModelConfig c = ModelConfig.load(dir);
        assertThat(c.dims().numKvHeads()).isEqualTo(c.dims().numHeads());
        assertThat(c.rope().global().theta()).isEqualTo(10000.0);
        assertThat(c.norms().eps()).isEqualTo(1e-6);
        assertThat(c.embedding().tied()).isFalse();
        assertThat(c.mlp().hiddenAct()).isEqualTo("silu");
        assertThat(c.dims().maxPositionEmbeddings()).isEqualTo(2048);
        assertThat(c.attention().qkvBias()).isFalse();
    }

    @Test
    void keyValueHeadDefaultsFollowEachConfigClass() throws IOException {
        TinyCheckpoint.mistral().hidden(64).heads(16).removeConfig("num_key_value_heads").write(dir);
        assertThat(ModelConfig.load(dir).dims().numKvHeads()).as("MistralConfig default").isEqualTo(8);

        TinyCheckpoint.qwen2().hidden(64).heads(32).removeConfig("num_key_value_heads").write(dir);
        assertThat(ModelConfig.load(dir).dims().numKvHeads()).as("Qwen2Config default").isEqualTo(32);
    }

    @Test
    void eosIdsAreTheUnionOfConfigAndGenerationConfig() throws IOException {
        TinyCheckpoint.llama().config("eos_token_id", List.of(61, 63)).eosTokenIds(61, 62, 63).write(dir);
        assertThat(ModelConfig.load(dir).tokens().eosTokenIds()).containsExactly(61, 63, 62);
    }

    @Test
    void aNegativePadTokenIdMeansNoPaddingToken() throws Exception {
        TinyCheckpoint.llama().config("pad_token_id", -1).write(dir);
        assertThat(ModelConfigReader.read(dir).tokens().padTokenId()).isNull();
    }

    @Test
    void specialTokenDefaultsWhenNoFileSetsThem() throws IOException {
        TinyCheckpoint.llama().removeConfig("bos_token_id").removeConfig("eos_token_id").write(dir);
        Files.delete(dir.resolve("generation_config.json"));
        ModelConfig llama = ModelConfig.load(dir);
        assertThat(llama.tokens().bosTokenId()).isEqualTo(1);
        assertThat(llama.tokens().eosTokenIds()).containsExactly(2);

        TinyCheckpoint.qwen2().removeConfig("bos_token_id").removeConfig("eos_token_id").write(dir);
        Files.delete(dir.resolve("generation_config.json"));
        ModelConfig qwen = ModelConfig.load(dir);
        assertThat(qwen.tokens().bosTokenId()).isNull();
        assertThat(qwen.tokens().eosTokenIds()).isEmpty();

        TinyCheckpoint.qwen2().config("pad_token_id", 7).config("eos_token_id", "2").write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'eos_token_id' must be an integer, found \"2\"");
    }

    @Test
    void tokenizerConfigDecidesBosAndChatTemplate() throws IOException {
        TinyCheckpoint.qwen2().write(dir);
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"add_bos_token\": true, \"chat_template\": \"{{ messages }}\"}");
        ModelConfig c = ModelConfig.load(dir);
        assertThat(c.tokens().addBosToken()).isTrue();
        assertThat(c.chatTemplate()).isEqualTo("{{ messages }}");

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": [{\"name\": \"tool_use\","
                + " \"template\": \"T\"}, {\"name\": \"default\", \"template\": \"D\"}]}");
        assertThat(ModelConfig.load(dir).chatTemplate()).isEqualTo("D");

        Files.writeString(dir.resolve("tokenizer_config.json"), "{}");
        Files.writeString(dir.resolve("chat_template.jinja"), "J");
        assertThat(ModelConfig.load(dir).chatTemplate()).isEqualTo("J");
    }

    @Test
    void unsupportedArchitecture() throws IOException {
        TinyCheckpoint.of("GPT2LMHeadModel").write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .isInstanceOf(ModelConfigException.class)
                .hasMessage("unsupported architecture GPT2LMHeadModel; supported: Gemma3ForCausalLM,"
                        + " LlamaForCausalLM, MistralForCausalLM, Phi3ForCausalLM, Qwen2ForCausalLM,"
                        + " Qwen3ForCausalLM, SmolLM3ForCausalLM");
    }

    @Test
    void missingArchitectures() throws IOException {
        TinyCheckpoint.llama().removeConfig("architectures").write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'architectures' is missing or not a list of class names; supported:"
                        + " Gemma3ForCausalLM, LlamaForCausalLM, MistralForCausalLM, Phi3ForCausalLM,"
                        + " Qwen2ForCausalLM, Qwen3ForCausalLM, SmolLM3ForCausalLM");
    }

    @Test
    void unsupportedActivationAndMlpBias() throws IOException {
        TinyCheckpoint.llama().config("hidden_act", "gelu").write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'hidden_act' is 'gelu'; only silu (SwiGLU) is supported");

        TinyCheckpoint.llama().config("mlp_bias", true).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'mlp_bias' is true; MLP biases are not supported");
    }

    @Test
    void inconsistentOrMalformedDimensions() throws IOException {
        TinyCheckpoint.llama().heads(4).kvHeads(3).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'num_attention_heads' (4) is not a multiple of num_key_value_heads (3)");

        TinyCheckpoint.llama().removeConfig("hidden_size").write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("config.json: 'hidden_size' is missing");

        TinyCheckpoint.llama().config("vocab_size", "64").write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'vocab_size' must be an integer, found \"64\"");

        TinyCheckpoint.llama().config("num_hidden_layers", 0).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'num_hidden_layers' must be positive, found 0");

        TinyCheckpoint.llama().hidden(30).heads(4).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'hidden_size' (30) is not a multiple of num_attention_heads (4) and no"
                        + " head_dim is given");

        TinyCheckpoint.llama().hidden(36).heads(4).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'head_dim' must be even for rotary embeddings, found 9");
    }

    @Test
    void malformedOptionalValues() throws IOException {
        TinyCheckpoint.llama().config("tie_word_embeddings", "true").write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'tie_word_embeddings' must be true or false, found \"true\"");

        TinyCheckpoint.llama().rmsNormEps(0).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'rms_norm_eps' must be positive, found 0.0");

        TinyCheckpoint.llama().ropeTheta(-1).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'rope_theta' must be positive, found -1.0");

        TinyCheckpoint.mistral().slidingWindow(0).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'sliding_window' must be positive, found 0");

        TinyCheckpoint.llama().config("rope_scaling", List.of(1)).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'rope_scaling' must be an object or null, found [1]");

        TinyCheckpoint.llama().config("hidden_size", 1.5).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("config.json: 'hidden_size' must be an integer, found 1.5");

        TinyCheckpoint.llama().write(dir);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": [{\"name\": \"tool_use\"}]}");
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("tokenizer_config.json: 'chat_template' is a list without a template named 'default'");

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_bos_token\": 1}");
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .hasMessage("tokenizer_config.json: 'add_bos_token' must be true or false, found 1");

        Files.delete(dir.resolve("tokenizer_config.json"));
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [2, ");
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .isInstanceOf(ModelConfigException.class)
                .hasMessageStartingWith("generation_config.json: not valid JSON: ");
    }

    /**
     * JSON has no infinity, but a number past the double range (1e400) parses as one: it passed every "must be
     * positive" check, and in generation_config.json it reached the manifest as the string "Infinity", which the
     * runtime then refused at load.
     */
    @Test
    void numbersBeyondTheDoubleRangeAreRefused() throws IOException {
        TinyCheckpoint.llama().write(dir);
        Files.writeString(dir.resolve("generation_config.json"), "{\"do_sample\": true, \"temperature\": 1e400}");
        assertThatThrownBy(() -> ModelConfig.load(dir)).isInstanceOf(ModelConfigException.class)
                .hasMessage("generation_config.json: 'temperature' must be a finite number, found Infinity");

        Files.delete(dir.resolve("generation_config.json"));
        String config = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"),
                config.replaceFirst("\"rms_norm_eps\"\\s*:\\s*[^,}]+", "\"rms_norm_eps\": 1e999"));
        assertThatThrownBy(() -> ModelConfig.load(dir)).isInstanceOf(ModelConfigException.class)
                .hasMessage("config.json: 'rms_norm_eps' must be a finite number, found Infinity");
    }

    /** The same inside the rope object, whose numbers are read directly: rope_theta is written to the manifest. */
    @Test
    void ropeNumbersBeyondTheDoubleRangeAreRefused() throws IOException {
        TinyCheckpoint.llama().removeConfig("rope_theta").removeConfig("rope_scaling")
                .config("rope_parameters", Map.of("rope_type", "default", "rope_theta", 12345.0)).write(dir);
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("12345.0", "1e400"));
        assertThatThrownBy(() -> ModelConfig.load(dir)).isInstanceOf(ModelConfigException.class)
                .hasMessage("config.json: 'rope_theta' must be a finite number, found Infinity");

        TinyCheckpoint.llama().config("rope_scaling", Map.of("rope_type", "linear", "factor", 12345.0)).write(dir);
        Files.writeString(config, Files.readString(config).replace("12345.0", "1e400"));
        assertThatThrownBy(() -> ModelConfig.load(dir)).isInstanceOf(ModelConfigException.class)
                .hasMessage("config.json: 'rope_scaling' linear scaling has a non-finite 'factor': Infinity");
    }

    /** The runtime reads each Unigram entry's piece: an entry that is not a pair must fail the export, not the load. */
    @Test
    void aUnigramEntryThatIsNotAPairFailsTheExport() throws IOException {
        TinyCheckpoint.llama().write(dir);
        ModelConfig config = ModelConfig.load(dir);
        Files.writeString(dir.resolve("tokenizer.json"),
                "{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"<unk>\", 0.0], [\"<s>\", 0.0], 7]}}");
        assertThatThrownBy(() -> TokenizerFiles.validate(dir, config)).isInstanceOf(ModelConfigException.class)
                .hasMessage("tokenizer.json: 'model.vocab' entry 2 is 7, not a [\"piece\", score] pair");
    }

    @Test
    void missingOrBrokenConfigFile() throws IOException {
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .isInstanceOf(ModelConfigException.class)
                .hasMessage(dir + ": no config.json");
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [");
        assertThatThrownBy(() -> ModelConfig.load(dir))
                .isInstanceOf(ModelConfigException.class)
                .hasMessageStartingWith("config.json: not valid JSON: ");
        Files.writeString(dir.resolve("config.json"), "[]");
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("config.json: not a JSON object");
    }

    /** Names and shapes implied by the config agree with the fixture's own, independently written, list. */
    @Test
    void expectedTensorsMatchTheFixtureForEveryArchitectureAndOption() throws IOException {
        List<TinyCheckpoint> variants = List.of(
                TinyCheckpoint.llama(), TinyCheckpoint.llama().tied(true).bias(true),
                TinyCheckpoint.llama().heads(8).kvHeads(1).hidden(64).intermediate(40),
                TinyCheckpoint.mistral().headDim(12), TinyCheckpoint.qwen2(), TinyCheckpoint.qwen2().tied(true));
        int i = 0;
        for (TinyCheckpoint variant : variants) {
            Path folder = variant.write(dir.resolve("v" + i++));
            Map<String, long[]> expected = ModelConfig.load(folder).expectedTensors();
            Map<String, long[]> fixture = variant.shapes();
            assertThat(expected.keySet()).containsExactlyElementsOf(fixture.keySet());
            fixture.forEach((name, shape) -> assertThat(expected.get(name)).as(name).containsExactly(shape));
        }
    }
}
