package dev.titans4j.export.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.hf.ModelConfig;
import dev.titans4j.export.hf.WordEmbeddings;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.testing.TinyCheckpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every int4 linear, the Transformer² factors included, uses the configured block size and matching shapes. */
class Int4BlockSizeGraphTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "block {0}")
    @ValueSource(ints = {16, 64, 128})
    void everyMatMulNBitsUsesTheConfiguredBlock(int blockSize) throws Exception {
        Path hf = TinyCheckpoint.llama().headDim(16).write(dir.resolve("hf")); // K = 32 or 48
        ModelConfig config = ModelConfig.load(hf);
        Graph g;
        try (Checkpoint checkpoint = Checkpoint.open(hf)) {
            g = DecoderGraphBuilder.build(config, WordEmbeddings.of(config, checkpoint), checkpoint::floats,
                    new DecoderGraphBuilder.Options(Precision.int4, SvfForm.FACTORISED, blockSize)).graph();
        }
        Map<String, Initializer> initializers = g.initializers().stream()
                .collect(Collectors.toMap(Initializer::name, Function.identity()));
        List<Node> nbits = g.nodes().stream().filter(n -> n.opType().equals("MatMulNBits")).toList();
        assertThat(nbits).isNotEmpty().anyMatch(n -> n.name().contains("svf_u"))
                .anyMatch(n -> n.name().contains("svf_v"));
        for (Node node : nbits) {
            long k = attribute(node, "K");
            long n = attribute(node, "N");
            long blocks = (k + blockSize - 1) / blockSize;
            assertThat(attribute(node, "block_size")).as(node.name()).isEqualTo(blockSize);
            assertThat(initializers.get(node.inputs().get(1)).dims()).as(node.name())
                    .containsExactly(n, blocks, blockSize / 2);
            assertThat(initializers.get(node.inputs().get(2)).dims()).as(node.name()).containsExactly(n, blocks);
        }
    }

    private static long attribute(Node node, String name) {
        return node.attributes().stream().filter(a -> a.name().equals(name)).map(a -> (Long) a.value()).findFirst()
                .orElseThrow();
    }
}
