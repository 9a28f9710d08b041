package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every random-weight checkpoint under onnx-export's {@code hf-fixtures} (made with the real transformers, see
 * {@code onnx-export/src/test/python/README.md}), exported fp32 and run by the runtime the chat models use
 * ({@link OnnxModel} + {@link Generator}, prefix cache on): the greedy ids equal transformers' exactly; running
 * each prompt again (restoring all but its last token from the prefix cache) gives the same ids, and so does the
 * prompt extended by the ids generated (restoring the first run's sequence).
 *
 * <p>The prompts of one fixture share their first token (BOS), so every prompt after the first already starts from
 * a cached prefix of another sequence; on the Phi-3 longrope fixtures those sequences end past
 * {@code original_max_position_embeddings}, so a short prompt reuses a prefix whose keys were rotated with the long
 * table: {@link DecoderSession#reusePrefix} must not hand those out to a sequence a fresh run would rotate with the
 * short one. {@code greedy_ids} is the model's forward-pass truth for Phi-3 too ({@code phi3_fixtures.py}).
 */
class HfFixtureRuntimeTest {

    /** Where onnx-export keeps the fixtures, relative to this module (surefire runs in the module folder). */
    static final Path FIXTURES = Path.of("../onnx-export/src/test/resources/hf-fixtures");

    private record Case(String text, int[] promptIds, List<Integer> greedyIds) {
    }

    @TempDir
    Path dir;

    static Stream<String> fixtures() throws IOException {
        if (!Files.isDirectory(FIXTURES)) {
            return Stream.of("(none: " + FIXTURES.toAbsolutePath().normalize() + " is absent)");
        }
        try (Stream<Path> dirs = Files.list(FIXTURES)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("expected.json")))
                    .map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void runtimeGreedyIdsEqualTransformersAndSurviveThePrefixCache(String name) throws IOException {
        Path folder = FIXTURES.resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(folder.resolve("expected.json")),
                "hf-fixtures not found at " + FIXTURES.toAbsolutePath().normalize() + ": skipped");
        Path export = dir.resolve(name);
        OnnxExporter.builder().options(ExportOptions.builder().precision(Precision.fp32).build()).build()
                .export(folder, export);
        List<Case> cases = cases(folder);
        EngineOptions options = EngineOptions.defaults().withIntraOpThreads(1);
        assertThat(options.prefixCacheBytes()).isPositive();
        try (OnnxModel model = OnnxModel.load(export, options);
             ModelTokenizer tokenizer = ModelTokenizer.load(export, model.manifest())) {
            Generator generator = new Generator(model, tokenizer);
            Integer switchAt = model.manifest().kvCache().recomputeBeyond();
            for (Case c : cases) {
                String what = name + " '" + c.text() + "'";
                assertThat(greedy(generator, c.promptIds(), c.greedyIds().size()).outputIds())
                        .as("%s: greedy ids", what).containsExactlyElementsOf(c.greedyIds());

                GenerationResult again = greedy(generator, c.promptIds(), c.greedyIds().size());
                assertThat(again.outputIds()).as("%s: greedy ids after the prefix cache", what)
                        .containsExactlyElementsOf(c.greedyIds());
                int sequence = c.promptIds().length + c.greedyIds().size() - 1; // the last id is not fed back
                if (switchAt != null && c.promptIds().length - 1 <= switchAt && sequence > switchAt) {
                    // the first run's keys were rotated with the long table: not reused for a short sequence
                    assertThat(again.reusedPromptTokens()).as("%s: positions reused on the second run", what)
                            .isLessThan(c.promptIds().length - 1);
                } else {
                    assertThat(again.reusedPromptTokens()).as("%s: positions reused on the second run", what)
                            .isEqualTo(c.promptIds().length - 1);
                }

                if (c.greedyIds().size() < 3) {
                    continue; // transformers stopped at end-of-sequence right away: nothing to extend
                }
                // the prompt plus all but two generated ids: restores the first run's sequence (on Phi-3 longrope
                // fixtures past the switch, from keys rotated with the long table); greedy ids are the full
                // forward pass's argmax, so the continuation is the last two
                int keep = c.greedyIds().size() - 2;
                int[] extended = IntStream.concat(IntStream.of(c.promptIds()),
                        c.greedyIds().subList(0, keep).stream().mapToInt(Integer::intValue)).toArray();
                GenerationResult continued = greedy(generator, extended, 2);
                assertThat(continued.reusedPromptTokens()).as("%s: positions reused by the extended prompt", what)
                        .isEqualTo(extended.length - 1);
                assertThat(continued.outputIds()).as("%s: greedy ids after the extended prompt", what)
                        .containsExactlyElementsOf(c.greedyIds().subList(keep, keep + 2));
            }
        }
    }

    private static GenerationResult greedy(Generator generator, int[] prompt, int count) {
        GenerationRequest request = new GenerationRequest(prompt, count, Set.of(), List.of());
        return generator.generate(request, TokenSelector.greedy(), piece -> { }, () -> false);
    }

    private static List<Case> cases(Path folder) throws IOException {
        JsonNode expected = new ObjectMapper().readTree(folder.resolve("expected.json").toFile());
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : expected.get("cases")) {
            int[] prompt = new int[c.get("prompt_ids").size()];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = c.get("prompt_ids").get(i).asInt();
            }
            List<Integer> greedy = new ArrayList<>();
            c.get("greedy_ids").forEach(id -> greedy.add(id.asInt()));
            cases.add(new Case(c.get("text").asText(), prompt, greedy));
        }
        return cases;
    }
}
