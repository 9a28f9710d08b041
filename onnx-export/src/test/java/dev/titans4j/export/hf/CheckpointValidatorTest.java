package dev.titans4j.export.hf;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.testing.SharedData;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointValidatorTest {

    @TempDir
    Path dir;

    private static void validate(Path folder) throws IOException {
        try (Checkpoint checkpoint = Checkpoint.open(folder)) {
            CheckpointValidator.validate(ModelConfig.load(folder), checkpoint);
        }
    }

    @Test
    void acceptsEverySupportedVariant() throws IOException {
        List<TinyCheckpoint> variants = List.of(TinyCheckpoint.llama(), TinyCheckpoint.llama().tied(true),
                TinyCheckpoint.llama().bias(true).dtype(DType.BF16), TinyCheckpoint.mistral().slidingWindow(8),
                TinyCheckpoint.qwen2().shards(2).dtype(DType.F16), TinyCheckpoint.qwen2().tied(true));
        int i = 0;
        for (TinyCheckpoint variant : variants) {
            Path folder = variant.write(dir.resolve("v" + i++));
            assertThatCode(() -> validate(folder)).as(folder.toString()).doesNotThrowAnyException();
        }
    }

    @Test
    void acceptsStories260KTiedAndUntied() {
        Path tied = SharedData.require("models/stories260K"); // outside the assertion, so absence skips
        Path untied = SharedData.require("models/stories260K-untied");
        assertThatCode(() -> validate(tied)).doesNotThrowAnyException();
        assertThatCode(() -> validate(untied)).doesNotThrowAnyException();
    }

    @Test
    void wrongShape() throws IOException {
        Path folder = TinyCheckpoint.llama().hidden(64).heads(4).kvHeads(2).layers(4)
                .tensorShape("model.layers.3.self_attn.k_proj.weight", 64, 64).write(dir);
        assertThatThrownBy(() -> validate(folder))
                .isInstanceOf(CheckpointMismatchException.class)
                .hasMessage(folder + ": tensor 'model.layers.3.self_attn.k_proj.weight' has shape [64, 64],"
                        + " config.json implies [32, 64]");
    }

    @Test
    void missingTensor() throws IOException {
        Path folder = TinyCheckpoint.llama().omit("model.layers.1.mlp.up_proj.weight").write(dir);
        assertThatThrownBy(() -> validate(folder))
                .hasMessage(folder + ": tensor 'model.layers.1.mlp.up_proj.weight' is missing");
    }

    @Test
    void untiedCheckpointWithoutLmHead() throws IOException {
        Path folder = TinyCheckpoint.llama().omit("lm_head.weight").write(dir);
        assertThatThrownBy(() -> validate(folder))
                .hasMessage(folder + ": tensor 'lm_head.weight' is missing (config.json has tie_word_embeddings"
                        + " false)");
    }

    @Test
    void tiedCheckpointStoringOnlyTheLmHeadIsFineWithOrWithoutTheMetadataAlias() throws IOException {
        Path alias = TinyCheckpoint.llama().tied(true).omit("model.embed_tokens.weight")
                .tensorShape("lm_head.weight", 64, 32).metadata("model.embed_tokens.weight", "lm_head.weight")
                .write(dir.resolve("alias"));
        Path plain = TinyCheckpoint.llama().tied(true).omit("model.embed_tokens.weight")
                .tensorShape("lm_head.weight", 64, 32).shards(2).write(dir.resolve("plain"));
        assertThatCode(() -> validate(alias)).doesNotThrowAnyException();
        assertThatCode(() -> validate(plain)).doesNotThrowAnyException();
    }

    @Test
    void tiedCheckpointWithoutEitherWordEmbedding() throws IOException {
        Path folder = TinyCheckpoint.llama().tied(true).omit("model.embed_tokens.weight").write(dir);
        assertThatThrownBy(() -> validate(folder))
                .hasMessage(folder + ": tensor 'model.embed_tokens.weight' is missing, and there is no"
                        + " 'lm_head.weight' to tie it to (config.json has tie_word_embeddings true)");
    }

    @Test
    void untiedCheckpointStoringOnlyTheLmHead() throws IOException {
        Path alias = TinyCheckpoint.llama().omit("model.embed_tokens.weight")
                .metadata("model.embed_tokens.weight", "lm_head.weight").write(dir.resolve("alias"));
        assertThatThrownBy(() -> validate(alias))
                .hasMessage(alias + ": tensor 'model.embed_tokens.weight' is missing; the safetensors metadata names"
                        + " 'lm_head.weight' as its stored copy, but config.json has tie_word_embeddings false, so"
                        + " transformers would not tie them and would initialise the embedding randomly");
        Path plain = TinyCheckpoint.llama().omit("model.embed_tokens.weight").write(dir.resolve("plain"));
        assertThatThrownBy(() -> validate(plain))
                .hasMessage(plain + ": tensor 'model.embed_tokens.weight' is missing");
    }

    @Test
    void untiedCheckpointWithNeitherWordEmbeddingListsBoth() throws IOException {
        Path folder = TinyCheckpoint.llama().omit("model.embed_tokens.weight").omit("lm_head.weight").write(dir);
        assertThatThrownBy(() -> validate(folder))
                .hasMessage(folder + ": 2 problems with the weights:\n"
                        + "  tensor 'model.embed_tokens.weight' is missing\n"
                        + "  tensor 'lm_head.weight' is missing (config.json has tie_word_embeddings false)");
    }

    @Test
    void anLmHeadNextToTiedEmbeddingsMustHaveTheirShape() throws IOException {
        Path folder = TinyCheckpoint.llama().tied(true).tensorShape("lm_head.weight", 64, 31).write(dir);
        assertThatThrownBy(() -> validate(folder))
                .hasMessage(folder + ": tensor 'lm_head.weight' has shape [64, 31], config.json implies [64, 32]");
    }

    @Test
    void tiedCheckpointWithAnLmHeadAndRotaryBuffersIsFine() throws IOException {
        Path folder = TinyCheckpoint.llama().tied(true).tensorShape("lm_head.weight", 64, 32)
                .tensorShape("model.layers.0.self_attn.rotary_emb.inv_freq", 4).write(dir);
        assertThatCode(() -> validate(folder)).doesNotThrowAnyException();
    }

    @Test
    void biasTheConfigDoesNotAskFor() throws IOException {
        Path folder = TinyCheckpoint.mistral().tensorShape("model.layers.0.self_attn.q_proj.bias", 32).write(dir);
        assertThatThrownBy(() -> validate(folder))
                .hasMessage(folder + ": unexpected tensor 'model.layers.0.self_attn.q_proj.bias' (not used by"
                        + " MistralForCausalLM with this config.json)");
    }

    @Test
    void moreLayersThanConfigured() throws IOException {
        Path folder = TinyCheckpoint.llama().layers(3).config("num_hidden_layers", 2).write(dir);
        assertThatThrownBy(() -> validate(folder))
                .hasMessageStartingWith(folder + ": 9 problems with the weights:\n"
                        + "  unexpected tensor 'model.layers.2.input_layernorm.weight'");
    }

    @Test
    void listsSeveralProblemsAndTruncatesLongLists() throws IOException {
        Path folder = TinyCheckpoint.llama().layers(3).vocab(64).config("vocab_size", 100).write(dir);
        // embed_tokens and lm_head have the wrong shape
        assertThatThrownBy(() -> validate(folder))
                .hasMessage(folder + ": 2 problems with the weights:\n"
                        + "  tensor 'model.embed_tokens.weight' has shape [64, 32], config.json implies [100, 32]\n"
                        + "  tensor 'lm_head.weight' has shape [64, 32], config.json implies [100, 32]");

        Path wide = TinyCheckpoint.llama().layers(3).config("intermediate_size", 50).write(dir.resolve("wide"));
        assertThatThrownBy(() -> validate(wide))
                .hasMessageStartingWith(wide + ": 9 problems with the weights:");

        Path many = TinyCheckpoint.llama().layers(4).config("intermediate_size", 50).write(dir.resolve("many"));
        assertThatThrownBy(() -> validate(many))
                .hasMessageStartingWith(many + ": 12 problems with the weights:")
                .hasMessageEndingWith("\n  ... and 2 more");
    }
}
