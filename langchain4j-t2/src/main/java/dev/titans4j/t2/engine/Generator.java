package dev.titans4j.t2.engine;

import dev.titans4j.t2.generation.StopSequenceMatcher;
import dev.titans4j.t2.tokenizer.IncrementalDecoder;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The generation loop: prefill the prompt, then pick a token, turn it into text and feed it back until an end
 * condition. Text leaves through {@code onText} in pieces that concatenate to exactly {@link GenerationResult#text()}:
 * bytes of a multi-byte character are held until the character is complete, and text that may be the start of a
 * stop sequence is held until it is known not to be one.
 *
 * <p>The prompt starts from the longest prefix the model's {@link PrefixCache prefix cache} holds for the same graph
 * and multipliers, and the rest is prefilled in chunks of {@link EngineOptions#prefillChunkTokens()}, checking for
 * cancellation before each; a generation that ends normally offers its sequence (prompt plus the tokens fed back)
 * to the prefix cache, a cancelled or failed one does not. Either way its own KV cache goes back to the pool.
 *
 * <p>Concurrent calls on one model share decode steps ({@link EngineOptions#maxBatchSize()}): after its own prefill
 * a request joins a batch of the requests on the same graph with the same multipliers, one model run then decodes a
 * token for each, and a request leaves when it ends; its output is the same as alone (greedy ids identical, see
 * README). Everything else stays per request and on the caller's thread: the token selector on the request's own
 * logits, stop sequences, {@code onText}, cancellation. Before it starts, a request waits while the KV budget
 * ({@link EngineOptions#kvCacheBytes()}) is spent by others.
 *
 * <p>Thread-safe (stateless apart from the shared model and tokenizer); each call opens its own
 * {@link DecoderSession}.
 */
public final class Generator {

    private final OnnxModel model;
    private final ModelTokenizer tokenizer;

    public Generator(OnnxModel model, ModelTokenizer tokenizer) {
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /**
     * Generates a continuation of {@code request.promptIds()}.
     *
     * @param onText receives text pieces as they become final (called on the caller's thread)
     * @param cancelled polled while waiting for the KV budget, before every model run (each prefill chunk, each
     *                  decoded token) and while a token waits for its batch's other members; when true, generation
     *                  ends with {@link StopReason#CANCELLED}
     * @throws PromptTooLongException before running the model when the prompt leaves no room for output
     * @throws IllegalArgumentException before running the model for a prompt id outside the vocabulary
     */
    public GenerationResult generate(GenerationRequest request, TokenSelector selector, Consumer<String> onText,
                                     BooleanSupplier cancelled) {
        return generate(request, selector, Map.of(), onText, cancelled);
    }

    /**
     * Generates with the SVF multipliers {@code svfMultipliers} (graph input name to float[rank]; inputs left out keep
     * the identity) fed for this request only: Transformer² experts without touching the shared weights.
     */
    public GenerationResult generate(GenerationRequest request, TokenSelector selector,
                                     Map<String, float[]> svfMultipliers, Consumer<String> onText,
                                     BooleanSupplier cancelled) {
        return generate(request, selector, svfMultipliers, onText, cancelled, PrefillProgress.NONE);
    }

    /** As {@link #generate(GenerationRequest, TokenSelector, Map, Consumer, BooleanSupplier)}, reporting prefill. */
    public GenerationResult generate(GenerationRequest request, TokenSelector selector,
                                     Map<String, float[]> svfMultipliers, Consumer<String> onText,
                                     BooleanSupplier cancelled, PrefillProgress progress) {
        int[] prompt = request.promptIds();
        if (prompt.length >= model.contextLength()) {
            throw new PromptTooLongException(prompt.length, model.contextLength(),
                    model.manifest().dimensions().contextLength());
        }
        model.checkTokenIds(prompt); // a bad request fails before it waits for the budget
        model.checkMultipliers(svfMultipliers);
        KvBudget.Lease lease = model.kvBudget().admit(cancelled);
        if (lease == null) {
            return new GenerationResult("", List.of(), prompt.length, StopReason.CANCELLED, 0);
        }
        try (lease; DecoderSession session = model.newSession(svfMultipliers)) {
            return run(session, request, selector, onText, cancelled, progress);
        }
    }

    private GenerationResult run(DecoderSession session, GenerationRequest request, TokenSelector selector,
                                 Consumer<String> onText, BooleanSupplier cancelled, PrefillProgress progress) {
        int[] prompt = request.promptIds();
        IncrementalDecoder decoder = tokenizer.newIncrementalDecoder();
        StopSequenceMatcher stops = new StopSequenceMatcher(request.stopSequences());
        StringBuilder text = new StringBuilder();
        Consumer<String> emit = piece -> {
            if (!piece.isEmpty()) {
                text.append(piece);
                onText.accept(piece);
            }
        };
        List<Integer> output = new ArrayList<>();

        int reused = session.reusePrefix(prompt);
        float[] logits = prefill(session, prompt, reused, cancelled, progress);
        if (logits == null) {
            return new GenerationResult("", output, prompt.length, StopReason.CANCELLED, reused);
        }
        TokenFeed feed = null;
        StopReason reason = null;
        try {
            while (true) {
                int token = selector.select(withoutPadding(logits));
                output.add(token);
                if (request.endOfSequenceIds().contains(token)) {
                    reason = StopReason.END_OF_SEQUENCE;
                    break;
                }
                emit.accept(stops.push(decoder.push(token)));
                if (stops.stopped()) {
                    reason = StopReason.STOP_SEQUENCE;
                    break;
                }
                // before the length check: output complete at exactly maxOutputTokens is a normal end, not a cut-off
                if (selector.finished()) {
                    reason = StopReason.END_OF_SEQUENCE;
                    break;
                }
                if (output.size() >= request.maxOutputTokens()) {
                    reason = StopReason.MAX_OUTPUT_TOKENS;
                    break;
                }
                if (feed == null) {
                    feed = decodeFeed(session); // only now: a one-token answer never joins a batch
                }
                if (feed.position() >= feed.capacity()) {
                    reason = StopReason.CONTEXT_FULL;
                    break;
                }
                if (cancelled.getAsBoolean()) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                logits = feed.decode(token, cancelled);
                if (logits == null) {
                    reason = StopReason.CANCELLED;
                    break;
                }
            }
        } finally {
            // also when the selector or onText threw: a batch must not wait for this request's next token
            if (feed == null) {
                feed = TokenFeed.of(session);
            }
            feed.finish(reason != null && reason != StopReason.CANCELLED);
        }
        if ((reason == StopReason.END_OF_SEQUENCE || reason == StopReason.MAX_OUTPUT_TOKENS)
                && selector.shortenedToFit()) {
            reason = StopReason.CLOSED_TO_FIT;
        }
        // held-back text is final now; a cancelled caller wants nothing more
        if (reason != StopReason.STOP_SEQUENCE && reason != StopReason.CANCELLED) {
            emit.accept(stops.push(decoder.flush()));
            if (stops.stopped()) { // completed by text the detokenizer held (a character's bytes): cut there
                reason = StopReason.STOP_SEQUENCE;
            } else {
                emit.accept(stops.flush());
            }
        }
        return new GenerationResult(text.toString(), output, prompt.length, reason, reused);
    }

    /**
     * {@code logits} with the ids past the tokenizer's vocabulary at negative infinity: a model may have more
     * embedding rows than tokens (Qwen2 pads its vocabulary), and such an id has logits but no text.
     */
    private float[] withoutPadding(float[] logits) {
        int tokens = tokenizer.vocabSize();
        if (logits.length > tokens) {
            Arrays.fill(logits, tokens, logits.length, Float.NEGATIVE_INFINITY);
        }
        return logits;
    }

    /**
     * The request's row in a decode batch shared with concurrent requests (its prompt copied there, its session's
     * cache returned to the pool), or its own session when the model decodes every request alone.
     */
    private TokenFeed decodeFeed(DecoderSession session) {
        BatchScheduler batches = model.batches();
        if (batches == null) {
            return TokenFeed.of(session);
        }
        TokenFeed member = batches.join(session);
        session.close();
        return member;
    }

    /**
     * Runs {@code prompt} from position {@code from} in chunks, so a cancellation is seen within one chunk of a long
     * prompt; returns the logits after its last token, or null when cancelled.
     */
    private float[] prefill(DecoderSession session, int[] prompt, int from, BooleanSupplier cancelled,
                            PrefillProgress progress) {
        int chunk = model.prefillChunkTokens() == 0 ? prompt.length : model.prefillChunkTokens();
        float[] logits = null;
        while (from < prompt.length) {
            if (cancelled.getAsBoolean()) {
                return null;
            }
            int to = Math.min(prompt.length, from + chunk);
            logits = session.prefill(Arrays.copyOfRange(prompt, from, to));
            from = to;
            progress.prefilled(from, prompt.length);
        }
        return logits;
    }
}
