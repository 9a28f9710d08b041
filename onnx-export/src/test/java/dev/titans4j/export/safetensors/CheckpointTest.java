package dev.titans4j.export.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.testing.TinyCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void shardedAndSingleFileCheckpointsHoldTheSameTensors() throws IOException {
        Path single = TinyCheckpoint.llama().seed(7).write(dir.resolve("single"));
        Path sharded = TinyCheckpoint.llama().seed(7).shards(3).write(dir.resolve("sharded"));
        assertThat(Files.exists(sharded.resolve("model-00003-of-00003.safetensors"))).isTrue();

        try (Checkpoint a = Checkpoint.open(single); Checkpoint b = Checkpoint.open(sharded)) {
            assertThat(b.files()).hasSize(3);
            assertThat(b.names()).containsExactlyElementsOf(a.names());
            assertThat(b.totalBytes()).isEqualTo(a.totalBytes());
            for (String name : a.names()) {
                assertThat(b.info(name).shape()).isEqualTo(a.info(name).shape());
                assertThat(b.floats(name)).as(name).containsExactly(a.floats(name));
            }
            assertThat(b.fileOf("model.embed_tokens.weight").getFileName().toString())
                    .isEqualTo("model-00001-of-00003.safetensors");
            assertThat(b.fileOf("lm_head.weight").getFileName().toString())
                    .isEqualTo("model-00003-of-00003.safetensors");
        }
    }

    @Test
    void singleFileWinsOverAnIndexLikeInTransformers() throws IOException {
        Path path = TinyCheckpoint.llama().shards(2).write(dir);
        new SafetensorsWriter().add("only", DType.F32, new long[] {1}, new float[] {5})
                .write(path.resolve(Checkpoint.SINGLE_FILE));
        try (Checkpoint checkpoint = Checkpoint.open(path)) {
            assertThat(checkpoint.names()).containsExactly("only");
        }
    }

    @Test
    void opensAShardedFolderGivenAsARelativePath() throws IOException {
        TinyCheckpoint.llama().shards(2).write(dir);
        Path relative = Path.of("").toAbsolutePath().relativize(dir);
        try (Checkpoint checkpoint = Checkpoint.open(relative)) {
            assertThat(checkpoint.files()).hasSize(2);
        }
    }

    @Test
    void totalBytesCountsTensorData() throws IOException {
        Path path = TinyCheckpoint.llama().hidden(8).intermediate(4).layers(1).heads(2).kvHeads(1).vocab(3)
                .tied(true).dtype(DType.BF16).write(dir);
        // embed 3*8, norms 3*8, q 8*8, k/v 2 * 4*8, o 8*8, gate/up/down 3 * 4*8: 336 elements of 2 bytes
        try (Checkpoint checkpoint = Checkpoint.open(path)) {
            assertThat(checkpoint.totalBytes()).isEqualTo(336 * 2);
            assertThat(checkpoint.has("lm_head.weight")).isFalse();
            assertThatThrownBy(() -> checkpoint.info("lm_head.weight"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageEndingWith("checkpoint has no tensor 'lm_head.weight'");
        }
    }

    @Test
    void folderWithoutWeights() throws IOException {
        Files.writeString(dir.resolve("pytorch_model.bin"), "x");
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage(dir + ": no model.safetensors or model.safetensors.index.json"
                        + " (only safetensors checkpoints are supported)");
    }

    @Test
    void notADirectory() {
        assertThatThrownBy(() -> Checkpoint.open(dir.resolve("missing")))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage(dir.resolve("missing") + ": not a directory");
    }

    @Test
    void indexNamingAMissingShard() throws IOException {
        Path path = TinyCheckpoint.llama().shards(2).write(dir);
        Files.delete(path.resolve("model-00002-of-00002.safetensors"));
        assertThatThrownBy(() -> Checkpoint.open(path))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageMatching("model\\.safetensors\\.index\\.json: tensor '.*': shard"
                        + " 'model-00002-of-00002\\.safetensors' does not exist");
    }

    @Test
    void indexMappingATensorToTheWrongShard() throws IOException {
        Path path = TinyCheckpoint.llama().shards(2).write(dir);
        rewriteIndex(path, "\"lm_head.weight\" : \"model-00002-of-00002.safetensors\"",
                "\"lm_head.weight\" : \"model-00001-of-00002.safetensors\"");
        assertThatThrownBy(() -> Checkpoint.open(path))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage("model.safetensors.index.json: tensor 'lm_head.weight': mapped to"
                        + " model-00001-of-00002.safetensors, which does not contain it");
    }

    @Test
    void indexListingATensorNoShardHas() throws IOException {
        Path path = TinyCheckpoint.llama().shards(2).write(dir);
        rewriteIndex(path, "\"weight_map\" : {", "\"weight_map\" : { \"ghost\": \"model-00001-of-00002.safetensors\",");
        assertThatThrownBy(() -> Checkpoint.open(path))
                .hasMessage("model.safetensors.index.json: tensor 'ghost': mapped to"
                        + " model-00001-of-00002.safetensors, which does not contain it");
    }

    @Test
    void tensorStoredInTwoShards() throws IOException {
        Path path = TinyCheckpoint.llama().shards(2).write(dir);
        new SafetensorsWriter().add("model.norm.weight", DType.F32, new long[] {32}, new float[32])
                .add("extra", DType.F32, new long[] {1}, new float[1])
                .write(path.resolve("model-00003-of-00003.safetensors"));
        rewriteIndex(path, "\"weight_map\" : {", "\"weight_map\" : { \"extra\": \"model-00003-of-00003.safetensors\",");
        assertThatThrownBy(() -> Checkpoint.open(path))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage("model.safetensors.index.json: tensor 'model.norm.weight': stored in both"
                        + " model-00002-of-00002.safetensors and model-00003-of-00003.safetensors");
    }

    @Test
    void shardHoldingATensorTheIndexDoesNotList() throws IOException {
        Path path = TinyCheckpoint.llama().shards(2).write(dir);
        rewriteIndex(path, "\"model.norm.weight\" : \"model-00002-of-00002.safetensors\",", "");
        assertThatThrownBy(() -> Checkpoint.open(path))
                .hasMessage("model.safetensors.index.json: tensor 'model.norm.weight': present in"
                        + " model-00002-of-00002.safetensors but the index does not map it there");
    }

    @Test
    void shardOutsideTheModelFolder() throws IOException {
        Path path = TinyCheckpoint.llama().shards(2).write(dir.resolve("m"));
        Files.copy(path.resolve("model-00001-of-00002.safetensors"), dir.resolve("evil.safetensors"));
        rewriteIndex(path, "\"model-00001-of-00002.safetensors\"", "\"../evil.safetensors\"");
        assertThatThrownBy(() -> Checkpoint.open(path))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageMatching("model\\.safetensors\\.index\\.json: tensor '.*': shard '\\.\\./evil\\.safetensors'"
                        + " is not a file name inside the model folder");
    }

    @Test
    void malformedIndex() throws IOException {
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        Files.writeString(index, "{\"metadata\": {}}");
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .hasMessage("model.safetensors.index.json: missing \"weight_map\" object");
        Files.writeString(index, "{\"weight_map\": {}}");
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .hasMessage("model.safetensors.index.json: \"weight_map\" is empty");
        Files.writeString(index, "{\"weight_map\": {\"a\": 3}}");
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .hasMessage("model.safetensors.index.json: tensor 'a': shard name 3 is not a string");
        Files.writeString(index, "{\"weight_map\": ");
        assertThatThrownBy(() -> Checkpoint.open(dir))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith("model.safetensors.index.json: not valid JSON: ");
    }

    @Test
    void corruptShardIsReportedWithItsFileName() throws IOException {
        Path path = TinyCheckpoint.llama().shards(2).write(dir);
        Path shard = path.resolve("model-00002-of-00002.safetensors");
        Files.write(shard, List.of("garbage"));
        assertThatThrownBy(() -> Checkpoint.open(path))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith("model-00002-of-00002.safetensors: ");
    }

    private static void rewriteIndex(Path dir, String from, String to) throws IOException {
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        String text = Files.readString(index);
        assertThat(text).contains(from);
        Files.writeString(index, text.replace(from, to));
    }
}
