package dev.titans4j.export.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.hf.ModelConfig.LayerAttention;
import dev.titans4j.export.hf.ModelConfig.RopeKind;
import dev.titans4j.export.safetensors.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code Gemma3ForCausalLM}'s config.json maps onto the export, each expectation derived by hand from transformers
 * 5.17 (configuration_gemma3.py {@code Gemma3TextConfig}, modeling_gemma3.py, modeling_rope_utils.py):
 * <ul>
 *   <li>{@code layer_types} absent: layer i is {@code sliding_attention} iff {@code (i + 1) % sliding_window_pattern
 *       != 0}, pattern 6 by default (Gemma 3 1B, 26 layers: full at 5, 11, 17, 23);</li>
 *   <li>RoPE per layer type ({@code convert_rope_params_to_dict}): full layers {@code rope_theta} (default 1e6) and
 *       {@code rope_scaling} (linear: inv_freq / factor), sliding layers {@code rope_local_base_freq} (default 1e4),
 *       never scaled; inv_freq[i] = 1 / base^(2i / head_dim);</li>
 *   <li>{@code scaling = query_pre_attn_scalar ** -0.5} (default 256);</li>
 *   <li>Gemma3RMSNorm: {@code x.float() * rsqrt(mean(x^2) + eps) * (1.0 + w.float())}: the export adds 1 to w;</li>
 *   <li>{@code embed_scale = hidden_size ** 0.5}, cast to the weights' dtype in forward (sqrt(1152) = 33.941 is 34.0
 *       in bf16, 33.9375 in float16);</li>
 *   <li>defaults: head_dim 256, 4 kv heads, tie_word_embeddings true, BOS 2, EOS 1, PAD 0, 131072 positions,
 *       sliding_window 4096, gelu_pytorch_tanh.</li>
 * </ul>
 */
class Gemma3ConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** google/gemma-3-1b-it's config.json (transformers 4.50 form), cut to 12 layers. */
    private ObjectNode hubConfig() {
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add("Gemma3ForCausalLM");
        c.put("model_type", "gemma3_text").put("hidden_size", 1152).put("intermediate_size", 6912)
                .put("num_hidden_layers", 12).put("num_attention_heads", 4).put("num_key_value_heads", 1)
                .put("head_dim", 256).put("query_pre_attn_scalar", 256).put("vocab_size", 262144)
                .put("max_position_embeddings", 32768).put("rms_norm_eps", 1e-6).put("rope_theta", 1000000)
                .put("rope_local_base_freq", 10000).put("sliding_window", 512).put("sliding_window_pattern", 6)
                .put("hidden_activation", "gelu_pytorch_tanh").put("bos_token_id", 2).put("pad_token_id", 0);
        c.putNull("rope_scaling");
        c.putNull("final_logit_softcapping");
        c.putNull("attn_logit_softcapping");
        c.putArray("eos_token_id").add(1).add(106);
        return c;
    }

    private ModelConfig load(ObjectNode config) throws IOException {
        Files.writeString(dir.resolve("config.json"), config.toString());
        return ModelConfig.load(dir);
    }

    @Test
    void hubGemma3OneBConfig() throws IOException {
        ModelConfig c = load(hubConfig());
        assertThat(c.architecture()).isEqualTo("Gemma3ForCausalLM");
        assertThat(c.dims().headDim()).isEqualTo(256);
        assertThat(c.attention().qkNorm()).isTrue();
        assertThat(c.attention().scale()).isEqualTo(1.0 / 16);
        assertThat(c.attention().softcap()).isNull();
        LayerAttention sliding = new LayerAttention(512, RopeKind.LOCAL);
        LayerAttention full = new LayerAttention(null, RopeKind.GLOBAL);
        assertThat(c.attention().layers()).containsExactly(sliding, sliding, sliding, sliding, sliding, full,
                sliding, sliding, sliding, sliding, sliding, full);
        assertThat(c.norms().placement()).isEqualTo(ModelConfig.NormPlacement.SANDWICH);
        assertThat(c.norms().weightOffset()).isEqualTo(1f);
        assertThat(c.mlp().activation()).isEqualTo(ModelConfig.Activation.GELU_TANH);
        assertThat(c.embedding().tied()).isTrue();
        assertThat(c.embedding().inputScale()).isEqualTo(Math.sqrt(1152));
        assertThat(c.embedding().finalLogitSoftcap()).isNull();
        assertThat(c.tokens().bosTokenId()).isEqualTo(2);
        assertThat(c.tokens().eosTokenIds()).containsExactly(1, 106);
        assertThat(c.tokens().padTokenId()).isEqualTo(0);
        // the four norms and q/k norms of a layer, and no lm_head (tied)
        assertThat(c.expectedTensors()).containsKeys("model.layers.3.input_layernorm.weight",
                "model.layers.3.post_attention_layernorm.weight", "model.layers.3.pre_feedforward_layernorm.weight",
                "model.layers.3.post_feedforward_layernorm.weight", "model.layers.3.self_attn.q_norm.weight",
                "model.layers.3.self_attn.k_norm.weight").doesNotContainKey("lm_head.weight");
        assertThat(c.expectedTensors().get("model.layers.3.self_attn.k_norm.weight")).containsExactly(256);
    }

    /** inv_freq by hand for head_dim 4: [1, base^-1/2]; linear factor 8 divides the full layers' only. */
    @Test
    void localAndGlobalRotaryTablesByHand() throws IOException {
        ObjectNode config = hubConfig().put("head_dim", 4).put("rope_theta", 1_000_000).put("rope_local_base_freq",
                100);
        config.putObject("rope_scaling").put("rope_type", "linear").put("factor", 8.0);
        ModelConfig c = load(config);
        assertThat(c.rope().inverseFrequencies(RopeKind.GLOBAL)).containsExactly(new double[] {1.0 / 8, 1e-3 / 8},
                within(1e-15));
        assertThat(c.rope().inverseFrequencies(RopeKind.LOCAL)).containsExactly(new double[] {1.0, 0.1},
                within(1e-15));
    }

    /** transformers 5's own form: rope_parameters per layer type and an explicit layer_types list. */
    @Test
    void transformers5RopeParametersAndLayerTypes() throws IOException {
        ObjectNode config = hubConfig().put("num_hidden_layers", 3).put("head_dim", 4);
        config.remove(List.of("rope_theta", "rope_local_base_freq", "rope_scaling", "sliding_window_pattern"));
        config.putArray("layer_types").add("full_attention").add("sliding_attention").add("full_attention");
        ObjectNode rope = config.putObject("rope_parameters");
        rope.putObject("full_attention").put("rope_type", "linear").put("factor", 4.0).put("rope_theta", 10000.0);
        rope.putObject("sliding_attention").put("rope_type", "default").put("rope_theta", 25.0);
        ModelConfig c = load(config);
        assertThat(c.attention().layers()).extracting(LayerAttention::window).containsExactly(null, 512, null);
        assertThat(c.rope().inverseFrequencies(RopeKind.GLOBAL)).containsExactly(new double[] {0.25, 0.0025},
                within(1e-15));
        assertThat(c.rope().inverseFrequencies(RopeKind.LOCAL)).containsExactly(new double[] {1.0, 0.2},
                within(1e-15));
    }

    @Test
    void gemma3TextConfigDefaults() throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add("Gemma3ForCausalLM");
        config.put("hidden_size", 64).put("intermediate_size", 128).put("num_hidden_layers", 7)
                .put("num_attention_heads", 8).put("vocab_size", 300);
        ModelConfig c = load(config);
        assertThat(List.of(c.dims().headDim(), c.dims().numKvHeads(), c.dims().maxPositionEmbeddings()))
                .containsExactly(256, 4, 131072);
        assertThat(c.attention().scale()).isEqualTo(1.0 / 16);
        assertThat(c.attention().layers()).extracting(LayerAttention::window)
                .containsExactly(4096, 4096, 4096, 4096, 4096, null, 4096);
        assertThat(c.rope().inverseFrequencies(RopeKind.GLOBAL)[1]).isCloseTo(Math.pow(1e6, -2.0 / 256),
                within(1e-18));
        assertThat(c.rope().inverseFrequencies(RopeKind.LOCAL)[1]).isCloseTo(Math.pow(1e4, -2.0 / 256),
                within(1e-18));
        assertThat(c.embedding().tied()).isTrue();
        assertThat(c.tokens().bosTokenId()).isEqualTo(2);
        assertThat(c.tokens().eosTokenIds()).containsExactly(1);
        assertThat(c.tokens().addBosToken()).isTrue();
    }

    /** transformers 5.17 never passes attn_logit_softcapping to the attention function; final capping it applies. */
    @Test
    void finalLogitSoftcappingIsKeptAttentionSoftcappingIsNot() throws IOException {
        ModelConfig c = load(hubConfig().put("final_logit_softcapping", 30.0).put("attn_logit_softcapping", 50.0));
        assertThat(c.embedding().finalLogitSoftcap()).isEqualTo(30.0);
        assertThat(c.attention().softcap()).isNull();
    }

    @Test
    void normWeightsGetOnePlusAndTheEmbeddingScaleTheStoredDtype() throws IOException {
        ModelConfig c = load(hubConfig());
        assertThat(c.family().normWeight(c, new float[] {0.5f, -1f, 0f})).containsExactly(1.5f, 0f, 1f);
        assertThat(c.family().embeddingScale(c, DType.F32)).isEqualTo((float) Math.sqrt(1152));
        assertThat(c.family().embeddingScale(c, DType.BF16)).isEqualTo(34.0f);
        assertThat(c.family().embeddingScale(c, DType.F16)).isEqualTo(33.9375f);
    }

    @Test
    void unsupportedGemma3Settings() throws IOException {
        assertThatThrownBy(() -> load(hubConfig().put("use_bidirectional_attention", true)))
                .hasMessage("config.json: 'use_bidirectional_attention' is true; only causal (decoder) Gemma 3 is"
                        + " supported");
        assertThatThrownBy(() -> load(hubConfig().put("hidden_activation", "gelu")))
                .hasMessage("config.json: 'hidden_activation' is 'gelu'; only gelu_pytorch_tanh (GeGLU) is"
                        + " supported");
        ObjectNode twoTypes = hubConfig();
        twoTypes.putArray("layer_types").add("sliding_attention").add("full_attention");
        assertThatThrownBy(() -> load(twoTypes)).hasMessage("config.json: 'layer_types' must list one type per"
                + " layer (12), found [\"sliding_attention\",\"full_attention\"]");
        ObjectNode yarn = hubConfig();
        yarn.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 8.0);
        assertThatThrownBy(() -> load(yarn)).hasMessage("config.json: 'rope_scaling' type 'yarn' is not supported"
                + " (supported: llama3, linear, or none)");
        ObjectNode noFactor = hubConfig();
        noFactor.putObject("rope_scaling").put("rope_type", "linear");
        assertThatThrownBy(() -> load(noFactor)).hasMessage("config.json: 'rope_scaling' linear scaling is missing"
                + " the number 'factor'");
        ObjectNode noWindow = hubConfig();
        noWindow.putNull("sliding_window");
        assertThatThrownBy(() -> load(noWindow)).hasMessage("config.json: 'sliding_window' is null, but there are"
                + " sliding_attention layers");
    }

    @Test
    void slidingWindowCountsOnlyWhenALayerSlides() throws IOException {
        ObjectNode allFull = hubConfig().put("sliding_window", 0);
        ArrayNode types = allFull.putArray("layer_types");
        for (int i = 0; i < 12; i++) {
            types.add("full_attention");
        }
        ModelConfig c = load(allFull);
        assertThat(c.attention().slidingWindow()).isNull();
        assertThat(c.attention().layers()).containsOnly(new LayerAttention(null, RopeKind.GLOBAL));

        ObjectNode oneSliding = allFull.deepCopy();
        oneSliding.putNull("sliding_window");
        ((ArrayNode) oneSliding.get("layer_types")).set(3, "sliding_attention");
        assertThatThrownBy(() -> load(oneSliding)).hasMessage("config.json: 'layer_types' marks layer 3"
                + " sliding_attention, but sliding_window is null: transformers has no window for it");
        oneSliding.remove("sliding_window");
        assertThat(load(oneSliding).attention().layers().get(3)).as("Gemma3TextConfig default")
                .isEqualTo(new LayerAttention(4096, RopeKind.LOCAL));
    }

    @Test
    void multimodalGemma3NamesTheTextOnlyCheckpoint() throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add("Gemma3ForConditionalGeneration");
        config.put("model_type", "gemma3");
        config.putObject("text_config").put("hidden_size", 2560);
        config.putObject("vision_config").put("hidden_size", 1152);
        assertThatThrownBy(() -> load(config)).hasMessage("unsupported architecture Gemma3ForConditionalGeneration"
                + " (multimodal with a vision tower, not supported; export a text-only *ForCausalLM checkpoint);"
                + " supported: Gemma3ForCausalLM, LlamaForCausalLM, MistralForCausalLM, Phi3ForCausalLM,"
                + " Qwen2ForCausalLM, Qwen3ForCausalLM, SmolLM3ForCausalLM");
    }
}
