package dev.titans4j.bench.recall.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Filler sentences from a folder of plain-text essays, read at run time (the essays are not ours to ship: nothing
 * derived from them is committed or packaged). Sentences are served essay by essay in a seeded random order, and the
 * essays are reshuffled and served again when all are used, so any length of filler can be drawn.
 */
final class Haystack {

    private static final Pattern BANNER =
            Pattern.compile("Want to start a startup\\?\\s+Get funded by\\s+Y Combinator\\.");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z\"'(])");

    private final List<List<String>> essays;
    private final Random random;
    private final List<Integer> order = new ArrayList<>();
    private int essay = -1;
    private int sentence;

    Haystack(Path folder, Random random) {
        this.essays = load(folder);
        this.random = random;
    }

    private static List<List<String>> load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("haystack folder not found: " + folder.toAbsolutePath().normalize());
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".txt"))
                    .filter(f -> !f.getFileName().toString().startsWith("LICENSE"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list haystack folder " + folder, e);
        }
        List<List<String>> essays = new ArrayList<>();
        for (Path file : files) {
            try {
                String text = BANNER.matcher(Files.readString(file)).replaceAll(" ");
                List<String> sentences = new ArrayList<>();
                for (String s : SENTENCE_END.split(text.replaceAll("\\s+", " ").strip())) {
                    if (!s.isBlank()) {
                        sentences.add(s.strip());
                    }
                }
                if (!sentences.isEmpty()) {
                    essays.add(sentences);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read haystack essay " + file, e);
            }
        }
        if (essays.isEmpty()) {
            throw new IllegalArgumentException("no .txt essays in haystack folder " + folder);
        }
        return essays;
    }

    String nextSentence() {
        if (essay < 0 || sentence >= essays.get(order.get(essay)).size()) {
            essay++;
            sentence = 0;
            if (essay >= order.size()) {
                order.clear();
                for (int i = 0; i < essays.size(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, random);
                essay = 0;
            }
        }
        return essays.get(order.get(essay)).get(sentence++);
    }
}
