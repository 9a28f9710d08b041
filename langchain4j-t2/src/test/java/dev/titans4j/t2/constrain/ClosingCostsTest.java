package dev.titans4j.t2.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.titans4j.export.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Closing within a token budget: the shortest completion of every state reached closes the document, the cost
 * falls by exactly one along it, and a generation that masks with its remaining budget is complete and valid when
 * the budget ends, for every schema of the corpus, on the real stories260K vocabulary and a large synthetic one.
 */
class ClosingCostsTest {

    private static final ObjectMapper JACKSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static TokenVocabulary stories;
    private static TokenVocabulary synthetic;

    @BeforeAll
    static void vocabularies() {
        stories = TokenVocabulary.fromTokenizerJson(SharedData.require("models/stories260K").resolve("tokenizer.json"));
        synthetic = SyntheticVocabulary.of(49152);
    }

    static Stream<SchemaCorpus.Entry> corpus() {
        return SchemaCorpus.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void the_shortest_completion_closes_every_state_and_its_first_token_costs_one_less(SchemaCorpus.Entry entry) {
        JsonConstraint constraint = JsonConstraint.forSchema(entry.schema())
                .withLimits(JsonConstraintPropertyTest.TEST_LIMITS);
        for (int seed = 0; seed < 8; seed++) {
            Random random = new Random(seed);
            ConstrainedDecoder d = constraint.start(stories);
            ClosingCosts closing = new MaskEngine(stories, 64).closing();
            float[] logits = new float[stories.size()];
            while (!d.isFinished()) {
                ParseState state = d.state();
                byte[] completion = state.shortestCompletion();
                assertThat(completion).as("%s after %s", entry, d.text()).isNotNull();
                ParseState closed = state.stepAll(completion);
                assertThat(closed != null && closed.isComplete())
                        .as("%s: %s + %s closes", entry, d.text(), new String(completion, StandardCharsets.UTF_8))
                        .isTrue();
                int cost = closing.cost(state);
                if (cost > 0) {
                    int first = firstGreedyToken(completion);
                    assertThat(d.isAllowed(first)).as("%s after %s", entry, d.text()).isTrue();
                    assertThat(closing.cost(state.stepAll(stories.tokenBytes(first))))
                            .as("%s: cost after the completion's first token, after %s", entry, d.text())
                            .isEqualTo(cost - 1);
                }
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = 4 * random.nextFloat();
                }
                d.maskLogits(logits);
                int token = RandomDecoding.sample(logits, random);
                d.accept(token);
                if (stories.isEos(token)) {
                    break;
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void every_output_is_valid_when_the_budget_ends(SchemaCorpus.Entry entry) throws Exception {
        JsonConstraint constraint = JsonConstraint.forSchema(entry.schema())
                .withLimits(JsonConstraintPropertyTest.TEST_LIMITS);
        Schema validator = JsonSchemaText.validator(entry.schema());
        int minimum = new MaskEngine(stories, 16).closing().cost(constraint.start(stories).state());
        for (TokenVocabulary vocab : new TokenVocabulary[] {stories, synthetic}) {
            for (int seed = 0; seed < 6; seed++) {
                for (int budget : new int[] {minimum, minimum + 3, minimum + 20}) {
                    String json = budgeted(constraint, vocab, seed, budget);
                    JACKSON.readTree(json);
                    assertThat(JsonSchemaText.errors(validator, json)).as("%s budget %d seed %d: %s", entry, budget,
                            seed, json).isEmpty();
                }
            }
        }
    }

    @Test
    void a_tight_budget_is_reported_as_shortened_and_a_loose_one_is_not() {
        JsonConstraint constraint = JsonConstraint.forSchema(SchemaCorpus.all().get(0).schema())
                .withLimits(JsonConstraintPropertyTest.TEST_LIMITS);
        ConstrainedDecoder unbounded = constraint.start(stories);
        float[] logits = new float[stories.size()];
        unbounded.maskLogits(logits, 100_000);
        assertThat(unbounded.shortenedToFit()).isFalse();

        int minimum = new MaskEngine(stories, 16).closing().cost(constraint.start(stories).state());
        boolean shortened = false;
        for (int seed = 0; seed < 6 && !shortened; seed++) {
            ConstrainedDecoder d = constraint.start(stories);
            run(d, stories, seed, minimum + 1);
            shortened = d.shortenedToFit();
            assertThat(d.isComplete()).isTrue();
        }
        assertThat(shortened).as("random sampling with one token to spare gets closed early").isTrue();
    }

    @Test
    void a_budget_still_closes_when_the_parses_are_capped() {
        // the alternative with the longer closing comes first, so the parses kept past the cap are the expensive ones
        JsonReferenceSchema comment = JsonReferenceSchema.builder().reference("comment").build();
        JsonArraySchema replies = JsonArraySchema.builder().items(comment).build();
        JsonConstraint constraint = JsonConstraint.forSchema(JsonObjectSchema.builder().addProperty("root", comment)
                .required("root").definitions(Map.of("comment", JsonAnyOfSchema.builder().anyOf(
                        JsonObjectSchema.builder().addStringProperty("text").addProperty("replies", replies)
                                .addStringProperty("author").required("text", "replies", "author").build(),
                        JsonObjectSchema.builder().addStringProperty("text").addProperty("replies", replies)
                                .required("text", "replies").build()).build()))
                .build());
        // a model that keeps nesting: its preferred byte is the next of this text, wherever the budget allows it
        byte[] wanted = ("{\"root\":" + "{\"text\":\"x\",\"replies\":[".repeat(12))
                .getBytes(StandardCharsets.UTF_8);
        int deepest = "{\"root\":".length() + 10 * "{\"text\":\"x\",\"replies\":[".length(); // past the cap
        for (int budget = deepest + 10; budget <= deepest + 110; budget += 4) {
            ConstrainedDecoder d = constraint.start(GrammarTest.BYTES);
            float[] logits = new float[GrammarTest.BYTES.size()];
            for (int used = 0; used < budget && !d.isFinished(); used++) {
                java.util.Arrays.fill(logits, 0);
                logits[used < wanted.length ? wanted[used] & 0xFF : GrammarTest.BYTES.size() - 1] = 1;
                d.maskLogits(logits, budget - used);
                int token = RandomDecoding.argmax(logits);
                d.accept(token);
                if (GrammarTest.BYTES.isEos(token)) {
                    break;
                }
            }
            assertThat(d.isComplete()).as("complete within %d tokens: %s", budget, d.text()).isTrue();
        }
    }

    private static String budgeted(JsonConstraint constraint, TokenVocabulary vocab, long seed, int budget) {
        ConstrainedDecoder d = constraint.start(vocab);
        run(d, vocab, seed, budget);
        assertThat(d.isComplete()).as("complete within %d tokens: %s", budget, d.text()).isTrue();
        return d.text();
    }

    /** Random logits, masked with the budget left, for at most {@code budget} tokens. */
    private static void run(ConstrainedDecoder d, TokenVocabulary vocab, long seed, int budget) {
        Random random = new Random(seed);
        float[] logits = new float[vocab.size()];
        for (int used = 0; used < budget && !d.isFinished(); used++) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = 4 * random.nextFloat();
            }
            d.maskLogits(logits, budget - used);
            int token = logits.length <= 4096 ? RandomDecoding.sample(logits, random) : RandomDecoding.argmax(logits);
            d.accept(token);
            if (vocab.isEos(token)) {
                return;
            }
        }
    }

    /** The longest token that is a prefix of {@code bytes} (what the greedy count takes first). */
    private static int firstGreedyToken(byte[] bytes) {
        int best = -1;
        int bestLength = 0;
        for (int id = 0; id < stories.size(); id++) {
            byte[] t = stories.tokenBytes(id);
            if (t == null || t.length == 0 || t.length > bytes.length || t.length <= bestLength
                    || stories.isSpecial(id)) {
                continue;
            }
            if (java.util.Arrays.equals(t, 0, t.length, bytes, 0, t.length)) {
                best = id;
                bestLength = t.length;
            }
        }
        return best;
    }
}
