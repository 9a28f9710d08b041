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
 * SmolLM3Config's rules as transformers 5.17 configuration_smollm3.py states them: {@code no_rope_layers[i] =
 * int((i + 1) % no_rope_layer_interval != 0)} (1 = the layer USES RoPE; modeling: {@code use_rope =
 * no_rope_layers[layer_idx]}); layer i slides iff {@code use_sliding_window and sliding_window is not None and not
 * has_rope}, unless layer_types is given.
 */
class SmolLM3SpecTest {

    @TempDir
    Path dir;

    private static TinyCheckpoint smollm3() {
        return TinyCheckpoint.of("SmolLM3ForCausalLM").config("model_type", "smollm3").layers(8);
    }

    private static List<RopeKind> rope(ModelConfig c) {
        return c.attention().layers().stream().map(LayerAttention::rope).toList();
    }

    private static List<Integer> windows(ModelConfig c) {
        return c.attention().layers().stream().map(LayerAttention::window).toList();
    }

    @Test
    void everyFourthLayerHasNoRopeByDefault() throws IOException {
        smollm3().write(dir);
        RopeKind g = RopeKind.GLOBAL;
        RopeKind none = RopeKind.NONE;
        assertThat(rope(ModelConfig.load(dir))).containsExactly(g, g, g, none, g, g, g, none);

        smollm3().config("no_rope_layer_interval", 3).write(dir);
        assertThat(rope(ModelConfig.load(dir))).containsExactly(g, g, none, g, g, none, g, g);

        smollm3().config("no_rope_layers", List.of(0, 1, 1, 1, 1, 1, 1, 0)).write(dir);
        assertThat(rope(ModelConfig.load(dir))).as("1 = uses RoPE").containsExactly(none, g, g, g, g, g, g, none);
    }

    @Test
    void noRopeLayersSlideOnlyWithUseSlidingWindow() throws IOException {
        smollm3().config("sliding_window", 4).write(dir);
        assertThat(windows(ModelConfig.load(dir))).containsOnlyNulls();

        smollm3().config("sliding_window", 4).config("use_sliding_window", true).write(dir);
        ModelConfig c = ModelConfig.load(dir);
        assertThat(windows(c)).containsExactly(null, null, null, 4, null, null, null, 4);
        assertThat(c.attention().slidingWindow()).isEqualTo(4);
    }

    @Test
    void defaultsOfSmolLM3Config() throws IOException {
        smollm3().removeConfig("rope_theta").removeConfig("rope_scaling").removeConfig("tie_word_embeddings")
                .removeConfig("num_key_value_heads").write(dir);
        ModelConfig c = ModelConfig.load(dir);
        assertThat(c.family()).isSameAs(Families.SMOLLM3);
        assertThat(c.rope().global().theta()).isEqualTo(2_000_000.0);
        assertThat(c.embedding().tied()).isTrue();
        assertThat(c.dims().numKvHeads()).isEqualTo(4);
        assertThat(c.attention().qkNorm()).isFalse();
    }

    @Test
    void defaultTokenIdsOutsideASmallVocabularyAreOneLineErrors() throws IOException {
        smollm3().removeConfig("bos_token_id").write(dir);
        Files.delete(dir.resolve("generation_config.json"));
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("config.json: no file sets 'bos_token_id', and"
                + " the SmolLM3ForCausalLM default 128000 is not a token id: vocab_size is 64");
    }

    @Test
    void badNoRopeLayersAndMlpBias() throws IOException {
        smollm3().config("no_rope_layers", List.of(1, 0)).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("config.json: 'no_rope_layers' must list 0 or 1"
                + " for each of the 8 layers, found [1,0]");
        smollm3().config("no_rope_layers", List.of(1, 1, 1, 2, 1, 1, 1, 1)).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("config.json: 'no_rope_layers' entry 3 is 2;"
                + " must be 1 (RoPE) or 0 (none)");
        smollm3().config("mlp_bias", true).write(dir);
        assertThatThrownBy(() -> ModelConfig.load(dir)).hasMessage("config.json: 'mlp_bias' is true; MLP biases"
                + " are not supported");
    }
}
