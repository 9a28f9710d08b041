package dev.titans4j.t2;

import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.titans4j.export.testing.TinyCheckpoint;
import dev.titans4j.t2.constrain.ConstrainedDecoder;
import dev.titans4j.t2.constrain.JsonConstraint;
import dev.titans4j.t2.constrain.TokenVocabulary;
import dev.titans4j.t2.engine.DecoderSession;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.TokenSelector;
import dev.titans4j.t2.generation.SamplingParameters;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Constrained vs unconstrained decode speed (not part of the build: run with
 * {@code mvn -pl langchain4j-t2 test -Dtest=ConstrainedDecodeBenchmark}). Times, in thread CPU time (the machine is
 * shared; ONNX Runtime runs on the calling thread with one intra-op thread), 400 decode steps (model run + token
 * selection) with plain sampling and with sampling under a JSON-schema mask (a new object starts whenever one is
 * complete), interleaved, 11 rounds each; prints medians.
 */
class ConstrainedDecodeBenchmark {

    private static final int STEPS = 400;
    private static final int ROUNDS = 11;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    static final JsonSchemaElement SCHEMA = JsonObjectSchema.builder()
            .addStringProperty("name").addIntegerProperty("age").addNumberProperty("height")
            .addBooleanProperty("married")
            .addProperty("tags", JsonArraySchema.builder().items(new JsonStringSchema()).build())
            .required("name", "age", "height", "married", "tags").build();

    @Test
    void storiesAndRandomModel() throws Exception {
        try (OnnxChatEngine stories = OnnxChatEngine.load(TestModels.stories260K(),
                EngineOptions.defaults().withIntraOpThreads(1))) {
            run("stories260K", stories);
        }
        Path dir = Files.createTempDirectory("bench");
        Path hf = TinyCheckpoint.llama().hidden(512).intermediate(1376).layers(8).heads(8).kvHeads(4).vocab(512)
                .maxPositions(1024).eosTokenIds(2).seed(3).write(dir.resolve("hf"));
        TinyCheckpoint.copyTokenizer(TestModels.stories260KSource(), hf);
        try (OnnxChatEngine random = OnnxChatEngine.load(TestModels.export(hf, dir.resolve("onnx")),
                EngineOptions.defaults().withIntraOpThreads(1))) {
            run("random llama h512 x8 layers", random);
        }
    }

    private static void run(String name, OnnxChatEngine engine) {
        TokenVocabulary vocab = engine.tokenVocabulary();
        JsonConstraint constraint = JsonConstraint.forSchema(SCHEMA).withLimits(ChatRequestPlanner.DEFAULT_LIMITS);
        int[] prompt = engine.tokenizer().encode("Once upon a time");
        measure(engine, prompt, vocab, constraint, false, 1);
        measure(engine, prompt, vocab, constraint, true, 1); // warm-up: JIT, mask cache
        double[] plain = new double[ROUNDS];
        double[] masked = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            plain[r] = measure(engine, prompt, vocab, constraint, false, r + 2);
            masked[r] = measure(engine, prompt, vocab, constraint, true, r + 2);
        }
        double p = median(plain);
        double m = median(masked);
        System.out.printf("BENCH %s: unconstrained %.0f tok/s, constrained %.0f tok/s (%.1f%% slower)%n", name,
                1e9 / p, 1e9 / m, 100 * (m - p) / p);
    }

    /** CPU ns per decode step. */
    private static double measure(OnnxChatEngine engine, int[] prompt, TokenVocabulary vocab,
                                  JsonConstraint constraint, boolean constrained, long seed) {
        SamplingParameters sampling = SamplingParameters.builder().temperature(1.0).seed(seed).build();
        TokenSelector sampler = TokenSelector.sampling(sampling, prompt, engine.model().vocabSize());
        int eos = vocab.eosTokenIds()[0];
        try (DecoderSession session = engine.model().newSession()) {
            float[] logits = session.prefill(prompt);
            ConstrainedDecoder decoder = constraint.start(vocab);
            long start = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < STEPS; i++) {
                int token;
                if (constrained) {
                    if (decoder.isFinished()) {
                        decoder = constraint.start(vocab);
                    }
                    token = new ConstrainedSelector(decoder, sampler, eos, Integer.MAX_VALUE).select(logits);
                    if (vocab.isEos(token)) {
                        decoder = constraint.start(vocab);
                    }
                } else {
                    token = sampler.select(logits);
                }
                logits = session.decode(token);
            }
            return (CPU.getCurrentThreadCpuTime() - start) / (double) STEPS;
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
