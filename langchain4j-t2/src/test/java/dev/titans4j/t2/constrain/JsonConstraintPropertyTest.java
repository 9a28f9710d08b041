package dev.titans4j.t2.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import dev.titans4j.export.testing.SharedData;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The acceptance property of issue 4: whatever a random-weight model samples under the mask, the output is
 * JSON (Jackson parses it) that validates against the schema (networknt, from LangChain4j's own schema
 * conversion), for every schema of {@link SchemaCorpus} (30 hand-written + the distinct AiServices schemas of
 * LangChain4j's own IT) and many seeds, on the real stories260K vocabulary (byte-fallback SentencePiece BPE) with
 * random and with stories260K's real logits, and on a synthetic 49152-token byte-level vocabulary.
 */
class JsonConstraintPropertyTest {

    /** Small bounds so random walks finish quickly; defaults are exercised separately. */
    static final ConstraintLimits TEST_LIMITS = ConstraintLimits.builder()
            .maxStringBytes(24).maxArrayItems(3).maxWhitespace(3).maxDepth(16).maxIntegerDigits(6)
            .maxFractionDigits(4).build();

    /**
     * Trailing content is an error. Duplicate keys are not checked here: free-form objects (maps) may repeat
     * one, which JSON allows; declared properties never repeat (GrammarTest).
     */
    private static final ObjectMapper JACKSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
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

    @Test
    void corpusHasAtLeastThirtySchemas() {
        assertThat(SchemaCorpus.all()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void storiesVocabularyOutputsAlwaysValidate(SchemaCorpus.Entry entry) throws Exception {
        JsonConstraint constraint = JsonConstraint.forSchema(entry.schema()).withLimits(TEST_LIMITS);
        Schema validator = JsonSchemaText.validator(entry.schema());
        for (int seed = 0; seed < 25; seed++) {
            assertValid(entry, validator, RandomDecoding.generate(constraint, stories, seed, 5000, seed % 2 == 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void largeSyntheticVocabularyOutputsAlwaysValidate(SchemaCorpus.Entry entry) throws Exception {
        JsonConstraint constraint = JsonConstraint.forSchema(entry.schema()).withLimits(TEST_LIMITS);
        Schema validator = JsonSchemaText.validator(entry.schema());
        for (int seed = 0; seed < 3; seed++) {
            assertValid(entry, validator, RandomDecoding.generate(constraint, synthetic, seed, 5000, false));
        }
    }

    /**
     * Peaked, real-model distributions: the logits stories260K itself produced (64 teacher-forced rows from the
     * reference file, cycled) instead of random ones; the mask must still force valid output.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void realStoriesLogitsOutputsAlwaysValidate(SchemaCorpus.Entry entry) throws Exception {
        float[][] rows = teacherForcedLogits();
        JsonConstraint constraint = JsonConstraint.forSchema(entry.schema()).withLimits(TEST_LIMITS);
        Schema validator = JsonSchemaText.validator(entry.schema());
        for (int seed = 0; seed < 5; seed++) {
            int offset = seed * 13;
            assertValid(entry, validator, RandomDecoding.generate(constraint, stories, seed, 5000,
                    (step, logits) -> System.arraycopy(rows[(step + offset) % rows.length], 0, logits, 0, logits.length)));
        }
    }

    private static float[][] rows;

    private static synchronized float[][] teacherForcedLogits() throws java.io.IOException {
        if (rows == null) {
            byte[] raw = java.nio.file.Files.readAllBytes(SharedData.require("models/stories260K")
                    .resolve("reference_teacher_forced_logits_once_upon_a_time_64x512.f32"));
            java.nio.FloatBuffer f = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[][] r = new float[64][512];
            for (float[] row : r) {
                f.get(row);
            }
            rows = r;
        }
        return rows;
    }

    /**
     * What AiServices does next with the text: ServiceOutputParser turns it into the declared Java type. Only
     * value rules the schema cannot express (a month of 13 in a LocalDate, a UUID's format) may fail there.
     */
    @Test
    void aiServicesParseEveryOutputIntoTheirReturnType() {
        dev.langchain4j.service.output.ServiceOutputParser parser = new dev.langchain4j.service.output.ServiceOutputParser();
        List<SchemaCorpus.Entry> entries = SchemaCorpus.aiServicesSchemas();
        assertThat(entries).hasSizeGreaterThanOrEqualTo(20);
        for (SchemaCorpus.Entry entry : entries) {
            // LangChain4j marks no POJO field required, yet its LocalTime deserializer needs every field
            JsonConstraint constraint = JsonConstraint.forSchema(entry.schema())
                    .withLimits(TEST_LIMITS.toBuilder().requireAllProperties(true).build());
            Schema validator = JsonSchemaText.validator(entry.schema());
            for (int seed = 0; seed < 5; seed++) {
                RandomDecoding.Result r = RandomDecoding.generate(constraint, stories, seed, 5000, true);
                assertThat(r.complete()).isTrue();
                assertThat(JsonSchemaText.errors(validator, r.text())).isEmpty();
                try {
                    parser.parseText(unwrapResult(entry.javaType()), r.text());
                } catch (RuntimeException e) {
                    if (!beyondTheSchema(e)) {
                        throw new AssertionError(entry + " did not parse into " + entry.javaType() + ": " + r.text(), e);
                    }
                }
            }
        }
    }

    /** AiServices parses the T of a {@code Result<T>} return type. */
    private static java.lang.reflect.Type unwrapResult(java.lang.reflect.Type type) {
        if (type instanceof java.lang.reflect.ParameterizedType p && p.getRawType() == dev.langchain4j.service.Result.class) {
            return p.getActualTypeArguments()[0];
        }
        return type;
    }

    /**
     * Value rules LangChain4j 1.19 schemas cannot state, hence no grammar can enforce: LocalDate/LocalTime are
     * plain integers (no 1-12 month range), a UUID is a string whose format is only in the description.
     */
    private static boolean beyondTheSchema(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.time.DateTimeException
                    || (c instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f
                            && f.getTargetType() == java.util.UUID.class)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void defaultLimitsAlsoTerminateAndValidate() throws Exception {
        for (SchemaCorpus.Entry entry : List.of(SchemaCorpus.all().get(0), SchemaCorpus.all().get(4))) {
            JsonConstraint constraint = JsonConstraint.forSchema(entry.schema());
            Schema validator = JsonSchemaText.validator(entry.schema());
            for (int seed = 0; seed < 2; seed++) {
                assertValid(entry, validator, RandomDecoding.generate(constraint, stories, seed, 200_000, true));
            }
        }
    }

    @Test
    void plainJsonModeOutputsParse() throws Exception {
        JsonConstraint anyObject = JsonConstraint.anyJsonObject().withLimits(TEST_LIMITS);
        JsonConstraint anyValue = JsonConstraint.anyJson().withLimits(TEST_LIMITS);
        for (int seed = 0; seed < 40; seed++) {
            RandomDecoding.Result o = RandomDecoding.generate(anyObject, stories, seed, 20_000, true);
            assertThat(o.complete()).as(o.text()).isTrue();
            assertThat(JACKSON.readTree(o.text()).isObject()).as(o.text()).isTrue();
            RandomDecoding.Result v = RandomDecoding.generate(anyValue, synthetic, seed, 20_000, false);
            assertThat(v.complete()).as(v.text()).isTrue();
            JACKSON.readTree(v.text());
        }
    }

    static void assertValid(SchemaCorpus.Entry entry, Schema validator, RandomDecoding.Result r) throws Exception {
        assertThat(r.complete()).as("%s: incomplete after %d steps: %s", entry, r.steps(), r.text()).isTrue();
        JACKSON.readTree(r.text()); // must parse (throws otherwise)
        assertThat(JsonSchemaText.errors(validator, r.text())).as("%s: %s", entry, r.text()).isEmpty();
    }
}
