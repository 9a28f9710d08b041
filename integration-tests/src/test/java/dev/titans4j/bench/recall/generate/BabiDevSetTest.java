package dev.titans4j.bench.recall.generate;

import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.RecallDatasetJson;
import dev.titans4j.titans.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The committed bAbI dev set is valid and is exactly what the generator makes from the shared bAbI files. */
class BabiDevSetTest {

    private static final Path DEV_SET = Path.of("src/test/resources/recall/babi-dev.json");

    @Test
    void committedDevSetIsValidAndSmall() throws Exception {
        RecallDataset dataset = RecallDatasetJson.read(DEV_SET);

        assertThat(Files.size(DEV_SET)).isLessThan(1_000_000);
        assertThat(dataset.questionCount()).isEqualTo(BabiDatasetGenerator.DEFAULT_STORIES_PER_TASK * BabiDatasetGenerator.DEFAULT_TASKS.size());
    }

    @Test
    void committedDevSetIsReproducibleFromTheSharedBabiFiles() throws Exception {
        Path babi = SharedData.require("data/babi/en");

        RecallDataset regenerated = new BabiDatasetGenerator(babi, "test",
                BabiDatasetGenerator.DEFAULT_STORIES_PER_TASK, BabiDatasetGenerator.DEFAULT_TOKENS_PER_CONVERSATION,
                BabiDatasetGenerator.DEFAULT_SEED)
                .generate(BabiDatasetGenerator.DEFAULT_TASKS);

        assertThat(RecallDatasetJson.toJson(regenerated)).isEqualTo(Files.readString(DEV_SET));
    }
}
