package dev.titans4j.export.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.hf.ModelConfig.LayerAttention;
import dev.titans4j.export.hf.ModelConfig.RopeKind;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen3Config's defaults and layer_types rule, as transformers 5.17 configuration_qwen3.py states them:
 * {@code sliding_window = sliding_window if use_sliding_window else None}, then layer i is sliding iff
 * {@code sliding_window is not None and i >= max_window_layers}, unless layer_types is given.
 */
class Qwen3SpecTest {

    @TempDir
    Path dir;

    private static TinyCheckpoint qwen3() {
        return TinyCheckpoint.of("Qwen3ForCausalLM").config("model_type", "qwen3").layers(3);
    }

    private static List<Integer> windows(ModelConfig c) {
        return c.attention().layers().stream().map(LayerAttention::window).toList();
    }

    @Test
    void defaultsOfQwen3Config() throws IOException {
        qwen3().heads(32).removeConfig("num_key_value_heads").removeConfig("bos_token_id").removeConfig("eos_token_id")
                .removeConfig("max_position_embeddings").write(dir);
        Files.delete(dir.resolve("generation_config.json"));
        ModelConfig c = ModelConfig.load(dir);
        assertThat(c.family()).isSameAs(Families.QWEN3);
        assertThat(c.dims().headDim()).as("head_dim default 128, not hidden / heads").isEqualTo(128);
        assertThat(c.dims().numKvHeads()).isEqualTo(32);
        assertThat(c.dims().maxPositionEmbeddings()).isEqualTo(32768);
        assertThat(c.attention().qkNorm()).isTrue();
        assertThat(c.attention().qkvBias()).isFalse();
        assertThat(c.attention().outputBias()).isFalse();
        assertThat(c.tokens().bosTokenId()).isNull();
        assertThat(c.tokens().eosTokenIds()).isEmpty();
        assertThat(c.tokens().addBosToken()).isFalse();
        assertThat(c.embedding().tied()).isFalse();
        assertThat(windows(c)).containsOnlyNulls();
        assertThat(c.attention().layers()).extracting(LayerAttention::rope).containsOnly(RopeKind.GLOBAL);
    }

    @Test
    void qkNormsAndAttentionBiasAreExpectedTensors() throws IOException {
        qwen3().headDim(16).config("attention_bias", true).write(dir);
        ModelConfig c = ModelConfig.load(dir);
        assertThat(c.expectedTensors().get("model.layers.2.self_attn.q_norm.weight")).containsExactly(16);
        assertThat(c.expectedTensors().get("model.layers.0.self_attn.k_norm.weight")).containsExactly(16);
        assertThat(c.expectedTensors()).containsKeys("model.layers.0.self_attn.q_proj.bias",
                "model.layers.0.self_attn.o_proj.bias");
    }

    @Test
    void slidingWindowCountsOnlyWithUseSlidingWindowAndFromMaxWindowLayersOn() throws IOException {
        qwen3().headDim(16).config("sliding_window", 4).config("max_window_layers", 1).write(dir);
        assertThat(windows(ModelConfig.load(dir))).as("use_sliding_window absent: false").containsOnlyNulls();

        qwen3().headDim(16).config("use_sliding_window", true).config("sliding_window", 4)
                .config("max_window_layers", 1).write(dir);
        ModelConfig c = ModelConfig.load(dir);
        assertThat(windows(c)).containsExactly(null, 4, 4);
        assertThat(c.attention().slidingWindow()).isEqualTo(4);

        qwen3().headDim(16).config("use_sliding_window", true).write(dir);
        assertThat(windows(ModelConfig.load(dir))).as("max_window_layers default 28 > 3 layers").containsOnlyNulls();
        assertThat(ModelConfig.load(dir).attention().slidingWindow()).isNull();

        qwen3().headDim(16).config("use_sliding_window", true).config("max_window_layers", 2).write(dir);
        assertThat(windows(ModelConfig.load(dir))).as("sliding_window default 4096").containsExactly(null, null, 4096);
    }

    @Test
    void explicitLayerTypesWinAndNeedAWindow() throws IOException {
        qwen3().headDim(16).config("use_sliding_window", true).config("sliding_window", 5)
                .config("layer_types", List.of("sliding_attention", "full_attention", "sliding_attention")).write(dir);
        assertThat(windows(ModelConfig.load(dir))).containsExactly(5, null, 5);

        qwen3().headDim(16).config("sliding_window", 5)
                .config("layer_types", List.of("full_attention", "sliding_attention", "full_attention")).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("config.json: 'layer_types' marks layer 1"
                + " sliding_attention, but sliding_window is not in effect (use_sliding_window false or"
                + " sliding_window null): transformers has no window for it");

        qwen3().headDim(16).config("layer_types", List.of("full_attention", "chunked_attention", "full_attention"))
                .write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("config.json: 'layer_types' entry 1 is"
                + " \"chunked_attention\"; supported: \"full_attention\", \"sliding_attention\"");

        qwen3().headDim(16).config("layer_types", List.of("full_attention")).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("config.json: 'layer_types' must list one type"
                + " per layer (3), found [\"full_attention\"]");
    }
}
