package dev.titans4j.bench.recall.generate;

import dev.titans4j.bench.recall.dataset.Conversation;
import dev.titans4j.bench.recall.dataset.Question;
import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.RecallDatasetJson;
import dev.titans4j.bench.recall.dataset.RecallDatasetValidator;
import dev.titans4j.bench.recall.dataset.Turn;
import dev.titans4j.bench.recall.memory.TokenEstimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class NeedleDatasetGeneratorTest {

    @TempDir
    Path haystack;

    private void writeHaystack() throws Exception {
        StringBuilder essay = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            essay.append("Filler sentence number ").append(i).append(" talks about nothing in particular. ");
        }
        Files.writeString(haystack.resolve("one.txt"), essay.toString());
        Files.writeString(haystack.resolve("two.txt"), "Want to start a startup?  Get funded by\nY Combinator.\n\n"
                + essay.toString().replace("Filler", "Padding"));
        Files.writeString(haystack.resolve("LICENSE.txt"), "not an essay");
    }

    @Test
    void hidesEachNeedleInItsOwnTurnAndAsksForIt() throws Exception {
        writeHaystack();

        RecallDataset dataset = new NeedleDatasetGenerator(haystack, 20_000, 2, 12, 5).generate();

        RecallDatasetValidator.validate(dataset);
        assertThat(dataset.conversations()).hasSize(2);
        for (Conversation conversation : dataset.conversations()) {
            int tokens = conversation.turns().stream()
                    .mapToInt(t -> TokenEstimator.estimate(t.speaker() + ": " + t.text())).sum();
            assertThat(tokens).isBetween(20_000, 20_000 + 200);
            assertThat(conversation.questions()).hasSize(12);
            Set<String> evidence = new HashSet<>();
            for (Question question : conversation.questions()) {
                assertThat(question.evidence()).hasSize(1);
                evidence.add(question.evidence().get(0));
                Turn needle = conversation.turns().stream()
                        .filter(t -> t.id().equals(question.evidence().get(0))).findFirst().orElseThrow();
                assertThat(needle.text()).contains(question.answer()).doesNotContain("Filler", "Padding");
                assertThat(question.category()).matches("depth-\\d\\d-\\d{2,3}");
            }
            assertThat(evidence).hasSize(12);
            assertThat(conversation.turns()).extracting(Turn::text)
                    .noneMatch(t -> t.contains("Y Combinator") || t.contains("not an essay"));
            assertThat(conversation.turns()).extracting(Turn::session).last().isNotEqualTo(1);
        }
    }

    @Test
    void sameSeedSameDataset() throws Exception {
        writeHaystack();

        String first = RecallDatasetJson.toJson(new NeedleDatasetGenerator(haystack, 5_000, 1, 5, 9).generate());
        String second = RecallDatasetJson.toJson(new NeedleDatasetGenerator(haystack, 5_000, 1, 5, 9).generate());
        String other = RecallDatasetJson.toJson(new NeedleDatasetGenerator(haystack, 5_000, 1, 5, 10).generate());

        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void tooManyNeedlesIsRejectedUpFront() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NeedleDatasetGenerator(haystack, 10_000, 1,
                        NeedleFact.MAX_PER_CONVERSATION + 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needles per conversation");
    }

    @Test
    void depthBandsSplitTheConversationInFifths() {
        assertThat(NeedleDatasetGenerator.depthBand(0.0)).isEqualTo("depth-00-20");
        assertThat(NeedleDatasetGenerator.depthBand(0.1999)).isEqualTo("depth-00-20");
        assertThat(NeedleDatasetGenerator.depthBand(0.2)).isEqualTo("depth-20-40");
        assertThat(NeedleDatasetGenerator.depthBand(0.99)).isEqualTo("depth-80-100");
        assertThat(NeedleDatasetGenerator.depthBand(1.0)).isEqualTo("depth-80-100");
    }

    @Test
    void needleFactsHaveUniqueKeys() {
        Set<String> used = new HashSet<>();
        java.util.Random random = new java.util.Random(3);
        List<NeedleFact> facts = java.util.stream.IntStream.range(0, NeedleFact.MAX_PER_CONVERSATION)
                .mapToObj(i -> NeedleFact.random(random, used)).toList();

        assertThat(facts).extracting(NeedleFact::key).doesNotHaveDuplicates();
        assertThat(facts).extracting(NeedleFact::question).doesNotHaveDuplicates();
        assertThat(facts).extracting(NeedleFact::paraphrase).doesNotHaveDuplicates();
        assertThat(facts).allSatisfy(f -> assertThat(f.statement()).contains(f.answer().replace("under the ", "")));
    }

    @Test
    void paraphrasedQuestionsShareNoContentWordWithTheNeedleButAName() {
        Set<String> used = new HashSet<>();
        java.util.Random random = new java.util.Random(4);
        for (int i = 0; i < NeedleFact.MAX_PER_CONVERSATION; i++) {
            NeedleFact fact = NeedleFact.random(random, used);
            Set<String> shared = contentWords(fact.paraphrase());
            shared.retainAll(contentWords(fact.statement()));
            shared.removeIf(w -> fact.key().toLowerCase().contains(w) && fact.key().startsWith("born"));

            assertThat(shared).as("%s / %s", fact.statement(), fact.paraphrase()).isEmpty();
            assertThat(contentWords(fact.question())).as("literal question repeats the needle's words")
                    .containsAnyElementsOf(contentWords(fact.statement()));
        }
    }

    @Test
    void paraphraseOptionAsksTheParaphrase() throws Exception {
        writeHaystack();

        RecallDataset literal = new NeedleDatasetGenerator(haystack, 3_000, 1, 5, 2, false).generate();
        RecallDataset paraphrased = new NeedleDatasetGenerator(haystack, 3_000, 1, 5, 2, true).generate();

        assertThat(paraphrased.conversations().get(0).turns()).isEqualTo(literal.conversations().get(0).turns());
        assertThat(paraphrased.conversations().get(0).questions()).extracting(Question::question)
                .doesNotContainAnyElementsOf(literal.conversations().get(0).questions().stream()
                        .map(Question::question).toList());
    }

    private static Set<String> contentWords(String text) {
        Set<String> words = new HashSet<>();
        for (String w : text.toLowerCase().split("[^a-z0-9]+")) {
            if (w.length() > 3) {
                words.add(w);
            }
        }
        return words;
    }
}
