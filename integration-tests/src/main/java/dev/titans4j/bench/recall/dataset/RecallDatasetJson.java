package dev.titans4j.bench.recall.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes the benchmark's JSON format:
 * {@code {"conversations":[{"id","turns":[{"id","session","time","speaker","text"}],
 * "questions":[{"id","question","answer","evidence":[...],"category"}]}]}}.
 * Unknown fields are rejected (a typo such as {@code "evidences"} must not silently drop the evidence), and every
 * dataset read is validated.
 */
public final class RecallDatasetJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.INDENT_OUTPUT);

    private RecallDatasetJson() {
    }

    public static RecallDataset read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new InvalidRecallDatasetException("recall dataset file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read recall dataset " + file, e);
        }
    }

    public static RecallDataset parse(String json) {
        return parse(json, "<string>");
    }

    private static RecallDataset parse(String json, String source) {
        RecallDataset dataset;
        try {
            dataset = MAPPER.readValue(json, RecallDataset.class);
        } catch (JsonProcessingException e) {
            throw new InvalidRecallDatasetException("malformed recall dataset " + source + ": "
                    + e.getOriginalMessage() + locationOf(e), e);
        }
        if (dataset == null) {
            throw new InvalidRecallDatasetException("recall dataset " + source + " is empty (null)");
        }
        return RecallDatasetValidator.validate(dataset);
    }

    public static String toJson(RecallDataset dataset) {
        try {
            return MAPPER.writeValueAsString(dataset);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise recall dataset", e);
        }
    }

    /** Validates, then writes the dataset (creating parent folders). */
    public static void write(RecallDataset dataset, Path file) {
        RecallDatasetValidator.validate(dataset);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toJson(dataset));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write recall dataset " + file, e);
        }
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
