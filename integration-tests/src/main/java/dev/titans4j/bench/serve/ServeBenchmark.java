package dev.titans4j.bench.serve;

import dev.titans4j.bench.decode.BenchExport;
import dev.titans4j.bench.decode.RandomCheckpoint;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.onnx.Int4Quantizer;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.GenerationRequest;
import dev.titans4j.t2.engine.Generator;
import dev.titans4j.t2.engine.OnnxModel;
import dev.titans4j.t2.engine.TokenSelector;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Serving figures on a random-weight checkpoint (issue 14): a chat and an agent tool loop through the prefix cache,
 * and concurrent requests against one. Token ids are random: the model's speed does not depend on them.
 */
public final class ServeBenchmark {

    private final ServeSettings settings;
    private final PrintStream log;

    public ServeBenchmark(ServeSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    public ServeResult run() throws IOException, InterruptedException {
        Path dir = settings.work().resolve(settings.shape().name());
        log.println("serve-bench: " + settings.shape().describe());
        Path hf = RandomCheckpoint.ensure(settings.shape(), dir.resolve("hf"), null, 42);
        Path fp32 = BenchExport.ensure(hf, dir.resolve("fp32-plain"), Precision.fp32,
                Int4Quantizer.DEFAULT_BLOCK_SIZE, false, log);
        Path int4 = BenchExport.ensure(hf, dir.resolve("int4-plain"), Precision.int4,
                Int4Quantizer.DEFAULT_BLOCK_SIZE, false, log);
        List<Conversation.Run> chat = new ArrayList<>();
        List<Conversation.Run> toolLoop = new ArrayList<>();
        conversations(fp32, chat, toolLoop);
        return new ServeResult(settings, chat, toolLoop, streams(fp32, "fp32"), streams(int4, "int4"));
    }

    /** Both conversations, each started with an empty prefix cache, {@code repeats} times. */
    private void conversations(Path export, List<Conversation.Run> chat, List<Conversation.Run> toolLoop) {
        EngineOptions options = options().withMaxContextLength(settings.conversationPositions() + 8);
        try (OnnxModel model = OnnxModel.load(export, options);
             ModelTokenizer tokenizer = ModelTokenizer.load(export, model.manifest())) {
            Generator generator = new Generator(model, tokenizer);
            SplittableRandom random = new SplittableRandom(14);
            int vocab = model.vocabSize();
            int[] system = random.ints(settings.systemTokens(), 3, vocab).toArray();
            List<int[]> userTurns = new ArrayList<>();
            for (int i = 1; i < settings.chatTurns(); i++) {
                userTurns.add(random.ints(ServeSettings.USER_TOKENS, 3, vocab).toArray());
            }
            int[] question = random.ints(ServeSettings.QUESTION_TOKENS, 3, vocab).toArray();
            List<int[]> toolResults = new ArrayList<>();
            for (int i = 1; i < settings.toolRounds(); i++) {
                toolResults.add(random.ints(ServeSettings.TOOL_RESULT_TOKENS, 3, vocab).toArray());
            }
            warmUp(generator);
            for (int r = 0; r < settings.repeats(); r++) {
                log.printf(Locale.ROOT, "  prefix cache: conversations, repeat %d of %d%n", r + 1,
                        settings.repeats());
                model.clearPrefixCache(); // each conversation starts cold: its first request prefills everything
                chat.add(Conversation.run(generator, system, userTurns, settings.answerTokens()));
                model.clearPrefixCache();
                toolLoop.add(Conversation.run(generator, Conversation.concat(system, question), toolResults,
                        settings.answerTokens()));
            }
        }
    }

    /**
     * One request, {@code streams} concurrent requests, and one request on the engine with batching off
     * ({@code withMaxBatchSize(1)}: the decode path as it was before batching), interleaved per repeat.
     */
    private ServeResult.Streams streams(Path export, String precision) throws InterruptedException {
        EngineOptions options = options().withMaxContextLength(ConcurrentStreams.PROMPT_TOKENS
                + settings.decodeTokens() + 8);
        double[] one = new double[settings.repeats()];
        double[] many = new double[settings.repeats()];
        double[] unbatched = new double[settings.repeats()];
        try (OnnxModel model = OnnxModel.load(export, options);
             OnnxModel alone = OnnxModel.load(export, options.withMaxBatchSize(1));
             ModelTokenizer tokenizer = ModelTokenizer.load(export, model.manifest())) {
            Generator generator = new Generator(model, tokenizer);
            Generator unbatchedGenerator = new Generator(alone, tokenizer);
            warmUp(generator);
            warmUp(unbatchedGenerator);
            for (int r = 0; r < settings.repeats(); r++) {
                log.printf(Locale.ROOT, "  %s: 1 and %d streams, repeat %d of %d%n", precision, settings.streams(),
                        r + 1, settings.repeats());
                one[r] = ConcurrentStreams.decodeTokensPerSecond(generator, model.vocabSize(), 1,
                        settings.decodeTokens(), 100 + r);
                many[r] = ConcurrentStreams.decodeTokensPerSecond(generator, model.vocabSize(), settings.streams(),
                        settings.decodeTokens(), 200 + r);
                unbatched[r] = ConcurrentStreams.decodeTokensPerSecond(unbatchedGenerator, alone.vocabSize(), 1,
                        settings.decodeTokens(), 100 + r);
            }
        }
        return new ServeResult.Streams(one, many, unbatched);
    }

    private EngineOptions options() {
        return EngineOptions.defaults().withIntraOpThreads(settings.threads());
    }

    /** First runs allocate ONNX Runtime's arenas and fill caches; not part of the steady state. */
    private static void warmUp(Generator generator) {
        generator.generate(new GenerationRequest(new int[] {5, 6, 7, 8}, 4, java.util.Set.of(), List.of()),
                TokenSelector.greedy(), piece -> { }, () -> false);
    }
}
