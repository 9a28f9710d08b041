package dev.titans4j.bench.serve;

import dev.titans4j.bench.decode.Stats;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** serve-bench's figures: the human table and the one-line JSON summary. */
public record ServeResult(ServeSettings settings, List<Conversation.Run> chat, List<Conversation.Run> toolLoop,
                          Streams fp32, Streams int4) {

    /**
     * Decode speeds of one precision, per repeat.
     *
     * @param one     one request through the public generation API (tok/s)
     * @param many    {@code streams} concurrent requests through it (aggregate tok/s)
     * @param unbatched one request on the engine with batching off, the decode path before batching (tok/s)
     */
    public record Streams(double[] one, double[] many, double[] unbatched) {

        public double speedup() {
            return Stats.median(many) / Stats.median(one);
        }

        public double singleStreamRatio() {
            return Stats.median(one) / Stats.median(unbatched);
        }
    }

    /** The worse of the two conversations: the targets hold for both. */
    public double ttftRatio() {
        return Math.max(median(chat, Conversation.Run::ttftRatio), median(toolLoop, Conversation.Run::ttftRatio));
    }

    public double prefillTokenRatio() {
        return Math.max(median(chat, Conversation.Run::prefillTokenRatio),
                median(toolLoop, Conversation.Run::prefillTokenRatio));
    }

    /** The slower precision's one stream against one stream with batching off. */
    public double singleStreamRatio() {
        return Math.min(fp32.singleStreamRatio(), int4.singleStreamRatio());
    }

    /** The summary line: its keys are what scripts read. */
    public String json() {
        return String.format(Locale.ROOT, "{\"prefix\":{\"ttft_ratio\":%.4f,\"prefill_token_ratio\":%.4f},"
                        + "\"batch\":{\"fp32_speedup_%d\":%.4f,\"int4_speedup_%d\":%.4f,\"single_stream_ratio\":%.4f}}",
                ttftRatio(), prefillTokenRatio(), settings.streams(), fp32.speedup(), settings.streams(),
                int4.speedup(), singleStreamRatio());
    }

    public String table() {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "serve-bench: shape %s, %s threads, medians of %d repeats%n",
                settings.shape().name(), settings.threads() == 0 ? "default" : settings.threads(),
                settings.repeats()));
        t.append(String.format(Locale.ROOT, "Prefix cache (fp32, %d-token system+tools prompt, %d-token answers):%n",
                settings.systemTokens(), settings.answerTokens()));
        t.append(String.format(Locale.ROOT, "  %-22s %8s %10s %7s %9s %9s %12s %11s %10s%n", "conversation",
                "requests", "prefilled", "unique", "no reuse", "pre/uniq", "TTFT first s", "TTFT last s",
                "last/first"));
        conversationRow(t, settings.chatTurns() + "-turn chat", chat);
        conversationRow(t, settings.toolRounds() + "-round tool loop", toolLoop);
        t.append(String.format(Locale.ROOT, "Concurrent decode (greedy, %d tokens per request, tok/s):%n",
                settings.decodeTokens()));
        t.append(String.format(Locale.ROOT, "  %-9s %9s %11s %8s %13s %14s%n", "precision", "1 stream",
                settings.streams() + " streams", "speedup", "batching off", "1 stream/off"));
        streamsRow(t, "fp32", fp32);
        streamsRow(t, "int4", int4);
        t.append("  (Generator.generate on request threads; batching off: one request on the engine loaded with"
                + " EngineOptions.withMaxBatchSize(1), the decode path as it was before batching)");
        t.append(System.lineSeparator());
        return t.toString();
    }

    private static void conversationRow(StringBuilder t, String name, List<Conversation.Run> runs) {
        Conversation.Run run = runs.get(0); // token counts are the same in every repeat
        t.append(String.format(Locale.ROOT, "  %-22s %8d %10d %7d %9d %8.2fx %12.3f %11.3f %9.2fx%n", name,
                run.turns().size(), run.prefilled(), run.unique(), run.withoutReuse(), run.prefillTokenRatio(),
                median(runs, Conversation.Run::firstTtft), median(runs, Conversation.Run::lastTtft),
                median(runs, Conversation.Run::ttftRatio)));
    }

    private static void streamsRow(StringBuilder t, String precision, Streams s) {
        t.append(String.format(Locale.ROOT, "  %-9s %9.1f %11.1f %7.2fx %13.1f %13.2fx%n", precision,
                Stats.median(s.one()), Stats.median(s.many()), s.speedup(), Stats.median(s.unbatched()),
                s.singleStreamRatio()));
    }

    private static double median(List<Conversation.Run> runs, ToDoubleFunction<Conversation.Run> figure) {
        return Stats.median(runs.stream().mapToDouble(figure).toArray());
    }
}
