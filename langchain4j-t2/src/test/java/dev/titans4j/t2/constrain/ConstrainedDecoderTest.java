package dev.titans4j.t2.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Schema;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-step decoder contract: masks agree with token-by-token simulation, accept, EOS, literal framing. */
class ConstrainedDecoderTest {

    private static final TokenVocabulary SYNTHETIC = SyntheticVocabulary.of(8192);

    @Test
    void maskEqualsBruteForceTokenByTokenCheckAlongRandomTrajectories() {
        // the reference: feed each token's bytes to a fresh copy of the automaton (no trie, no cache, no clamping,
        // no string fast path); the mask must allow exactly the tokens that survive
        ConstraintLimits limits = ConstraintLimits.builder().maxStringBytes(40).maxArrayItems(3).maxWhitespace(2).build();
        for (SchemaCorpus.Entry entry : SchemaCorpus.all().subList(0, 30)) {
            JsonConstraint c = JsonConstraint.forSchema(entry.schema()).withLimits(limits);
            Random random = new Random(entry.name().hashCode());
            ConstrainedDecoder d = c.start(SYNTHETIC);
            BitSet mask = new BitSet();
            for (int step = 0; step < 40 && !d.isFinished(); step++) {
                d.allowedTokens(mask);
                BitSet expected = new BitSet();
                for (int t = 0; t < SYNTHETIC.size(); t++) {
                    if (d.isAllowed(t)) {
                        expected.set(t);
                    }
                }
                assertThat(mask).as("%s after %s", entry, d.text()).isEqualTo(expected);
                int pick = pickAllowed(mask, random);
                if (SYNTHETIC.isEos(pick)) {
                    break;
                }
                d.accept(pick);
            }
        }
    }

    private static int pickAllowed(BitSet mask, Random random) {
        int k = random.nextInt(mask.cardinality());
        int t = mask.nextSetBit(0);
        for (int i = 0; i < k; i++) {
            t = mask.nextSetBit(t + 1);
        }
        return t;
    }

    @Test
    void acceptRejectsImpossibleTokenAndKeepsState() {
        ConstrainedDecoder d = JsonConstraint.forSchema(SchemaCorpus.all().get(0).schema()).start(GrammarTest.BYTES);
        d.accept('{');
        assertThat(d.isAllowed('}')).as("required properties pending").isFalse();
        assertThatThrownBy(() -> d.accept('}'))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would make the output invalid after: {");
        d.accept('"');
        assertThat(d.text()).isEqualTo("{\"");
        assertThatThrownBy(() -> d.accept(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside vocabulary");
    }

    @Test
    void eosOnlyWhenComplete() {
        int eos = 256;
        ConstrainedDecoder d = JsonConstraint.forSchema(new dev.langchain4j.model.chat.request.json.JsonIntegerSchema())
                .start(GrammarTest.BYTES);
        BitSet mask = new BitSet();
        d.allowedTokens(mask);
        assertThat(mask.get(eos)).isFalse();
        assertThatThrownBy(() -> d.accept(eos)).hasMessageContaining("before the constrained output is complete");
        d.accept('-');
        assertThat(d.isComplete()).isFalse();
        d.accept('4');
        assertThat(d.isComplete()).isTrue();
        d.allowedTokens(mask);
        assertThat(mask.get(eos)).isTrue();
        assertThat(mask.get('2')).as("a number may go on").isTrue();
        float[] logits = new float[257];
        d.maskLogits(logits);
        assertThat(logits[eos]).isEqualTo(0f);
        assertThat(logits['a']).isEqualTo(Float.NEGATIVE_INFINITY);
        d.accept(eos);
        assertThat(d.isFinished()).isTrue();
        d.allowedTokens(mask);
        assertThat(mask.isEmpty()).isTrue();
        assertThatThrownBy(() -> d.accept('1')).hasMessageContaining("after end of sequence");
    }

    @Test
    void specialTokensAndPaddedLogitsAreNeverAllowed() {
        int imStart = SYNTHETIC.size() - 2;
        ConstrainedDecoder d = JsonConstraint.anyJson().start(SYNTHETIC);
        assertThatThrownBy(() -> d.accept(imStart)).hasMessageContaining("special token");
        float[] logits = new float[SYNTHETIC.size() + 100]; // model heads are often padded
        d.maskLogits(logits);
        for (int i = SYNTHETIC.size() - 3; i < logits.length; i++) {
            assertThat(logits[i]).as("id %d", i).isEqualTo(Float.NEGATIVE_INFINITY);
        }
        assertThat(logits['{']).isEqualTo(0f);
        assertThatThrownBy(() -> d.maskLogits(new float[10])).hasMessageContaining("vocabulary has");
    }

    @Test
    void strandedVocabularyAndSamplingAfterTheEndFailClearly() {
        TokenVocabulary noQuote = TokenVocabulary.of(List.of(new byte[] {'{'}, new byte[] {'}'}, new byte[] {'a'},
                "</s>".getBytes(StandardCharsets.UTF_8)), Set.of(3), 3);
        ConstrainedDecoder d = JsonConstraint.forSchema(SchemaCorpus.all().get(0).schema()).start(noQuote);
        d.accept(0);
        assertThatThrownBy(() -> d.maskLogits(new float[4])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no token of this vocabulary can continue");
        ConstrainedDecoder e = JsonConstraint.forSchema(SchemaCorpus.all().get(0).schema()).start(GrammarTest.BYTES);
        for (byte b : "{\"name\":\"\",\"age\":1,\"height\":2,\"married\":true}".getBytes(StandardCharsets.UTF_8)) {
            e.accept(b);
        }
        e.accept(256);
        assertThatThrownBy(() -> e.maskLogits(new float[257])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("finished");
    }

    static List<ToolSpecification> tools() {
        return List.of(
                ToolSpecification.builder().name("get_weather").parameters(JsonObjectSchema.builder()
                        .addStringProperty("city").addIntegerProperty("days").required("city").build()).build(),
                ToolSpecification.builder().name("get_time").build());
    }

    @Test
    void literalPrefixAndSuffixFrameToolCalls() throws Exception {
        String prefix = "<tool_call>\n";
        String suffix = "\n</tool_call>";
        JsonConstraint call = JsonConstraint.literalThen(prefix, JsonConstraint.forToolCall(tools()), suffix)
                .withLimits(JsonConstraintPropertyTest.TEST_LIMITS);
        JsonSchemaElement inner = JsonConstraint.toolCallSchema(tools());
        Schema validator = JsonSchemaText.validator(inner);
        TokenVocabulary withToolToken = withAddedToken(SYNTHETIC, "<tool_call>");
        int toolToken = withToolToken.size() - 1;
        int sawToolToken = 0;
        for (int seed = 0; seed < 30; seed++) {
            RandomDecoding.Result r = RandomDecoding.generate(call, withToolToken, seed, 3000, false);
            assertThat(r.complete()).as(r.text()).isTrue();
            assertThat(r.text()).startsWith(prefix).endsWith(suffix);
            String json = r.text().substring(prefix.length(), r.text().length() - suffix.length());
            assertThat(JsonSchemaText.errors(validator, json)).as(json).isEmpty();
            ConstrainedDecoder d = call.start(withToolToken);
            sawToolToken += d.isAllowed(toolToken) ? 1 : 0;
        }
        assertThat(sawToolToken).as("a vocabulary's own <tool_call> token is usable for the prefix").isEqualTo(30);

        ConstrainedDecoder d = call.start(GrammarTest.BYTES);
        for (byte b : (prefix + "{\"name\":\"get_time\",\"arguments\":{}}").getBytes(StandardCharsets.UTF_8)) {
            d.accept(b & 0xFF);
        }
        assertThat(d.isComplete()).as("suffix still missing").isFalse();
        assertThatThrownBy(() -> d.accept(256)).isInstanceOf(IllegalArgumentException.class);
        for (byte b : suffix.getBytes(StandardCharsets.UTF_8)) {
            d.accept(b & 0xFF);
        }
        assertThat(d.isComplete()).isTrue();
        assertThat(d.isFinished()).isTrue();
    }

    @Test
    void repeatedToolCalls() {
        JsonConstraint one = JsonConstraint.literalThen("<tool_call>", JsonConstraint.forToolCall(tools()), "</tool_call>");
        JsonConstraint calls = JsonConstraint.repeated(one, "\n", 2);
        String a = "<tool_call>{\"name\":\"get_time\",\"arguments\":{}}</tool_call>";
        String b = "<tool_call>{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Rome\"}}</tool_call>";
        assertThat(GrammarTest.accepts(calls, a)).isTrue();
        assertThat(GrammarTest.accepts(calls, a + "\n" + b)).isTrue();
        assertThat(GrammarTest.accepts(calls, a + "\n" + b + "\n" + a)).as("at most 2").isFalse();
        assertThat(GrammarTest.accepts(calls, a + b)).as("separator required").isFalse();
        assertThat(GrammarTest.accepts(calls, a + "\n")).as("dangling separator").isFalse();
        for (int seed = 0; seed < 10; seed++) {
            RandomDecoding.Result r = RandomDecoding.generate(calls.withLimits(JsonConstraintPropertyTest.TEST_LIMITS),
                    SYNTHETIC, seed, 3000, false);
            assertThat(r.complete()).isTrue();
            assertThat(r.text()).matches("(?s)<tool_call>\\s*\\{.*\\}</tool_call>(\n<tool_call>\\s*\\{.*\\}</tool_call>)?");
        }
    }

    @Test
    void toolCallNameSelectsTheArgumentSchema() {
        JsonConstraint call = JsonConstraint.forToolCall(tools());
        assertThat(GrammarTest.accepts(call, "{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\",\"days\":3}}")).isTrue();
        assertThat(GrammarTest.accepts(call, "{\"name\":\"get_time\",\"arguments\":{}}")).isTrue();
        assertThat(GrammarTest.accepts(call, "{\"name\":\"get_time\",\"arguments\":{\"city\":\"Oslo\"}}")).isFalse();
        assertThat(GrammarTest.accepts(call, "{\"name\":\"get_weather\",\"arguments\":{}}")).isFalse();
        assertThat(GrammarTest.accepts(call, "{\"name\":\"delete_all\",\"arguments\":{}}")).isFalse();
        assertThatThrownBy(() -> JsonConstraint.forToolCall(List.of())).hasMessageContaining("at least one tool");
        JsonConstraint llama = JsonConstraint.forToolCall(tools(), "parameters");
        assertThat(GrammarTest.accepts(llama, "{\"name\": \"get_time\", \"parameters\": {}}")).isTrue();
        assertThat(GrammarTest.accepts(llama, "{\"name\": \"get_time\", \"arguments\": {}}")).isFalse();
    }

    @Test
    void requestsShareCompiledMasks() {
        JsonConstraint c = JsonConstraint.forSchema(SchemaCorpus.all().get(0).schema());
        BitSet a = new BitSet();
        BitSet b = new BitSet();
        c.start(SYNTHETIC).allowedTokens(a);
        c.start(SYNTHETIC).allowedTokens(b);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void oneCompiledConstraintServesConcurrentRequests() throws Exception {
        SchemaCorpus.Entry entry = SchemaCorpus.all().get(4); // array of objects
        JsonConstraint c = JsonConstraint.forSchema(entry.schema()).withLimits(JsonConstraintPropertyTest.TEST_LIMITS);
        Schema validator = JsonSchemaText.validator(entry.schema());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<RandomDecoding.Result>> results = new ArrayList<>();
            for (int seed = 0; seed < 16; seed++) {
                long s = seed;
                results.add(pool.submit(() -> RandomDecoding.generate(c, SYNTHETIC, s, 3000, false)));
            }
            for (int seed = 0; seed < 16; seed++) {
                RandomDecoding.Result r = results.get(seed).get();
                assertThat(r).isEqualTo(RandomDecoding.generate(c, SYNTHETIC, seed, 3000, false)); // deterministic
                assertThat(JsonSchemaText.errors(validator, r.text())).as(r.text()).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static TokenVocabulary withAddedToken(TokenVocabulary base, String text) {
        List<byte[]> tokens = new ArrayList<>();
        Set<Integer> special = new java.util.HashSet<>();
        for (int i = 0; i < base.size(); i++) {
            tokens.add(base.tokenBytes(i));
            if (base.isSpecial(i)) {
                special.add(i);
            }
        }
        tokens.add(text.getBytes(StandardCharsets.UTF_8));
        return TokenVocabulary.of(tokens, special, base.eosTokenIds());
    }
}
