package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A committed random-weight Hugging Face checkpoint with transformers' own greedy output
 * ({@code src/test/resources/hf-fixtures/<name>/}, written by {@code src/test/python/hf_fixture.py}): exports it and
 * checks the ONNX Runtime greedy ids and logits against what transformers produced.
 */
final class HfFixture {

    static final String ROOT = "hf-fixtures";

    /** One prompt: its ids, transformers' greedy continuation and its last-position logits after the prompt. */
    record Case(String text, int[] promptIds, int[] greedyIds, float[] lastLogits) {
    }

    private final String name;
    private final Path folder;
    private final List<Case> cases;

    private HfFixture(String name, Path folder, List<Case> cases) {
        this.name = name;
        this.folder = folder;
        this.cases = cases;
    }

    /** The fixture {@code hf-fixtures/<name>} from the test classpath. */
    static HfFixture load(String name) throws IOException {
        Path folder = root().resolve(name);
        JsonNode expected = new ObjectMapper().readTree(folder.resolve("expected.json").toFile());
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : expected.get("cases")) {
            cases.add(new Case(c.get("text").asText(), ints(c.get("prompt_ids")), ints(c.get("greedy_ids")),
                    floats(c.get("last_logits"))));
        }
        return new HfFixture(name, folder, List.copyOf(cases));
    }

    /** Names of every committed fixture, sorted. */
    static Stream<String> names() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("expected.json")))
                    .map(d -> d.getFileName().toString()).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    /** The Hugging Face folder (read-only: inside target/test-classes). */
    Path folder() {
        return folder;
    }

    List<Case> cases() {
        return cases;
    }

    /** Exports the fixture at {@code precision} into {@code out}. */
    Path export(Path out, Precision precision) throws IOException {
        OnnxExporter.builder().options(ExportOptions.builder().precision(precision).build()).build()
                .export(folder, out);
        return out;
    }

    /** Greedy ids on ONNX Runtime equal transformers' for every prompt; last-position logits within {@code tol}. */
    void assertGreedyMatches(Path export, double logitTolerance) throws Exception {
        for (Case c : cases) {
            try (OrtDecoder decoder = new OrtDecoder(export, 256, 1)) {
                float[] logits = decoder.feed(c.promptIds(), false)[0];
                assertThat(maxDifference(logits, c.lastLogits()))
                        .as("%s '%s': largest last-position logit difference", name, c.text())
                        .isLessThan(logitTolerance);
            }
            try (OrtDecoder decoder = new OrtDecoder(export, 256, 1)) {
                assertThat(decoder.greedy(c.promptIds(), c.greedyIds().length))
                        .as("%s '%s': greedy ids", name, c.text()).containsExactly(c.greedyIds());
            }
        }
    }

    /** How many prompts' first greedy id ONNX Runtime reproduces, and the largest relative logit error. */
    double[] firstTokenAgreement(Path export) throws Exception {
        int agree = 0;
        double worst = 0;
        for (Case c : cases) {
            try (OrtDecoder decoder = new OrtDecoder(export, 256, 1)) {
                float[] logits = decoder.feed(c.promptIds(), false)[0];
                agree += OrtDecoder.argmax(logits) == c.greedyIds()[0] ? 1 : 0;
                double maxAbs = 0;
                for (float v : c.lastLogits()) {
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                }
                worst = Math.max(worst, maxDifference(logits, c.lastLogits()) / maxAbs);
            }
        }
        return new double[] {agree, worst};
    }

    private static double maxDifference(float[] actual, float[] expected) {
        assertThat(actual.length).isGreaterThanOrEqualTo(expected.length);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(actual[i] - expected[i]));
        }
        return max;
    }

    private static Path root() {
        URL url = HfFixture.class.getClassLoader().getResource(ROOT);
        if (url == null) {
            throw new IllegalStateException(ROOT + " is not on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asInt();
        }
        return v;
    }

    private static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }
}
