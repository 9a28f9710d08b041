package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.generation.SamplingParameters;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose embedding table has more rows than its tokenizer has tokens (Qwen2's padded vocabulary): the
 * padding rows have logits like any other, but no text, so generation never picks one.
 */
class PaddedVocabularyTest {

    @TempDir
    Path dir;

    @Test
    void sampling_never_draws_a_padding_id_the_tokenizer_cannot_decode() throws IOException {
        Path hf = TinyCheckpoint.llama().vocab(640).tokenizer(false).seed(5).write(dir.resolve("hf"));
        TinyCheckpoint.copyTokenizer(TestModels.stories260KSource(), hf); // 512 tokens
        Path onnx = TestModels.export(hf, dir.resolve("onnx"));
        try (OnnxModel model = OnnxModel.load(onnx, EngineOptions.defaults().withIntraOpThreads(1));
             ModelTokenizer tokenizer = ModelTokenizer.load(onnx, model.manifest())) {
            assertThat(model.vocabSize()).isEqualTo(640);
            assertThat(tokenizer.vocabSize()).isEqualTo(512);
            int[] prompt = tokenizer.encode("Once upon a time");
            SamplingParameters sampling = SamplingParameters.builder().temperature(1.0).seed(3L).build();
            GenerationResult result = new Generator(model, tokenizer).generate(
                    new GenerationRequest(prompt, 60, Set.of(), List.of()),
                    TokenSelector.sampling(sampling, prompt, model.vocabSize()), p -> { }, () -> false);
            assertThat(result.outputIds()).hasSize(60).allMatch(id -> id < 512);
            assertThat(result.text()).isEqualTo(tokenizer.decode(result.outputIds().stream()
                    .mapToInt(Integer::intValue).toArray()));
        }
    }
}
