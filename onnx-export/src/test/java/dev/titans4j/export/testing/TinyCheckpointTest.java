package dev.titans4j.export.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.safetensors.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyCheckpointTest {

    @TempDir
    Path dir;

    @Test
    void writesConfigGenerationConfigAndWeights() throws IOException {
        Path path = TinyCheckpoint.mistral().slidingWindow(8).dtype(DType.BF16).eosTokenIds(2, 7).seed(3).write(dir);
        JsonNode config = new ObjectMapper().readTree(path.resolve("config.json").toFile());
        JsonNode generation = new ObjectMapper().readTree(path.resolve("generation_config.json").toFile());

        assertThat(config.get("architectures").get(0).asText()).isEqualTo("MistralForCausalLM");
        assertThat(config.get("sliding_window").asInt()).isEqualTo(8);
        assertThat(config.get("torch_dtype").asText()).isEqualTo("bfloat16");
        assertThat(generation.get("eos_token_id").toString()).isEqualTo("[2,7]");
        try (Checkpoint checkpoint = Checkpoint.open(path)) {
            assertThat(checkpoint.info("model.norm.weight").dtype()).isEqualTo(DType.BF16);
            float[] norm = checkpoint.floats("model.norm.weight");
            for (float v : norm) {
                assertThat(v).isBetween(0.5f, 1.5f);
            }
        }
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() throws IOException {
        Path a = TinyCheckpoint.llama().seed(1).write(dir.resolve("a"));
        Path b = TinyCheckpoint.llama().seed(1).write(dir.resolve("b"));
        Path c = TinyCheckpoint.llama().seed(2).write(dir.resolve("c"));
        assertThat(Files.readAllBytes(a.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(b.resolve("model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(c.resolve("model.safetensors")));
    }

    @Test
    void copiesTheStoriesTokenizer() throws IOException {
        Path stories = SharedData.require("models/stories260K");
        Path path = TinyCheckpoint.llama().vocab(512).write(dir);
        TinyCheckpoint.copyTokenizer(stories, path);
        assertThat(path.resolve("tokenizer.json")).hasSameBinaryContentAs(stories.resolve("tokenizer.json"));
        assertThat(path.resolve("tokenizer_config.json")).exists();
    }
}
