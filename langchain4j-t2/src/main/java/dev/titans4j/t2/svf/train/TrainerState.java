package dev.titans4j.t2.svf.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * What a resumed run needs besides the expert itself: the iterations done, the seed the run derives every
 * iteration's noise from, the reward history and the expert file of those iterations beside it (null in states
 * written before it was recorded: then {@code expert-latest.safetensors}).
 */
record TrainerState(int iterationsDone, long seed, double bestReward, List<Double> rewardHistory,
                    String expertFile) {

    static final String FILE = "trainer-state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    TrainerState {
        rewardHistory = List.copyOf(rewardHistory);
    }

    void write(Path dir) {
        try {
            Path tmp = dir.resolve(FILE + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the trainer checkpoint in " + dir, e);
        }
    }

    static TrainerState read(Path dir) {
        try {
            return JSON.readValue(dir.resolve(FILE).toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
