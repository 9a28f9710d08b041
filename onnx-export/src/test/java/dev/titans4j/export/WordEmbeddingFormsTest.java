package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.hf.ModelConfig;
import dev.titans4j.export.hf.WordEmbeddings;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.onnx.DecoderGraphBuilder;
import dev.titans4j.export.reference.ReferenceModel;
import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a Hugging Face checkpoint stores its word embeddings exports to a graph whose logits are the reference
 * forward pass with the tensor transformers would use as the embedding and as the LM head (the reference is told
 * which: it has no tying rules of its own). The tensors differ in every fixture that stores both, so using the
 * wrong one fails the comparison.
 */
class WordEmbeddingFormsTest {

    private static final String EMBED = "model.embed_tokens.weight";
    private static final String HEAD = "lm_head.weight";

    @TempDir
    Path dir;

    static Stream<Arguments> forms() {
        return Stream.of(
                Arguments.of("tied, embedding stored (save_pretrained)", TinyCheckpoint.llama().tied(true),
                        EMBED, EMBED),
                Arguments.of("tied, only lm_head stored, metadata alias (safetensors save_model)",
                        headOnly().metadata(EMBED, HEAD), HEAD, HEAD),
                Arguments.of("tied, only lm_head stored, no alias", headOnly(), HEAD, HEAD),
                Arguments.of("tied, only lm_head stored, 2 shards with the alias",
                        headOnly().metadata(EMBED, HEAD).shards(2), HEAD, HEAD),
                Arguments.of("tied, both stored, equal values", TinyCheckpoint.llama().tied(true).copyOf(HEAD, EMBED),
                        EMBED, EMBED),
                Arguments.of("tied, both stored, different values (transformers 5 keeps them apart)",
                        TinyCheckpoint.llama().tied(true).tensorShape(HEAD, 64, 32), EMBED, HEAD),
                Arguments.of("untied, both stored", TinyCheckpoint.llama(), EMBED, HEAD));
    }

    private static TinyCheckpoint headOnly() {
        return TinyCheckpoint.llama().tied(true).omit(EMBED).tensorShape(HEAD, 64, 32);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void logitsUseTheTensorsTransformersWouldUse(String label, TinyCheckpoint form, String embedding, String head)
            throws Exception {
        Path hf = form.write(dir.resolve("hf"));
        Path out = dir.resolve("onnx");
        OnnxExporter.builder().options(ExportOptions.builder().svf(false).build()).build().export(hf, out);

        double[][] expected = ReferenceModel.load(hf, embedding, head).logits(tokens());
        try (OrtDecoder decoder = new OrtDecoder(out, 16, 1)) {
            ExportedGraphVsReferenceTest.assertClose(decoder.feed(tokens(), true), expected, 0, label);
        }
    }

    @Test
    void equalTiedCopiesAreOneTensorAndDifferentOnesTwo() throws Exception {
        Path equal = TinyCheckpoint.llama().tied(true).copyOf(HEAD, EMBED).write(dir.resolve("equal"));
        Path different = TinyCheckpoint.llama().tied(true).tensorShape(HEAD, 64, 32).write(dir.resolve("different"));
        assertThat(wordEmbeddings(equal)).isEqualTo(new WordEmbeddings(EMBED, EMBED));
        assertThat(wordEmbeddings(different)).isEqualTo(new WordEmbeddings(EMBED, HEAD));
        assertThat(wordEmbeddings(equal).shared()).isTrue();
        assertThat(wordEmbeddings(different).shared()).isFalse();
    }

    /** int4 keeps a float embedding table next to the quantised head: both must come from lm_head here. */
    @Test
    void int4ReadsTheStoredLmHeadForBothTables() throws Exception {
        Path hf = headOnly().headDim(16).write(dir.resolve("hf"));
        ModelConfig config = ModelConfig.load(hf);
        Set<String> read = new LinkedHashSet<>();
        try (Checkpoint checkpoint = Checkpoint.open(hf)) {
            DecoderGraphBuilder.Result built = DecoderGraphBuilder.build(config, WordEmbeddings.of(config, checkpoint),
                    name -> {
                        read.add(name);
                        return checkpoint.floats(name);
                    }, new DecoderGraphBuilder.Options(Precision.int4, null));
            for (var initializer : built.graph().initializers()) { // weights are read lazily, when written
                initializer.data().writeTo(OutputStream.nullOutputStream());
            }
            built.svf().close();
        }
        assertThat(read).contains(HEAD).doesNotContain(EMBED);
    }

    private static WordEmbeddings wordEmbeddings(Path hf) throws Exception {
        try (Checkpoint checkpoint = Checkpoint.open(hf)) {
            return WordEmbeddings.of(ModelConfig.load(hf), checkpoint);
        }
    }

    private static int[] tokens() {
        return new Random(5).ints(9, 0, 64).toArray();
    }
}
