package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.titans4j.export.manifest.ModelManifest;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One sequence being generated: feeds tokens to the shared {@link OnnxModel} and keeps their keys and values in its
 * own {@link KvCache}. {@link #prefill} processes the prompt in one run, {@link #decode} one token per run; both
 * return the logits of the last position only (the graph's {@code logits_from} input). Not thread-safe; close it to
 * return the cache to the model's pool.
 *
 * <p>The input map, the cache tensors and the {@link StepTensors} are set up once, so a decode step only rewrites
 * two one-element buffers, views the mask out of a buffer of ones and copies the logits once out of a pinned
 * output. The step tensors belong to the pooled {@link KvCache}, so a new request allocates no direct buffers.
 *
 * <p>A manifest with {@code kvCache.recomputeBeyond} (Phi-3 longrope) has the one run that takes the sequence past
 * that length feed every cached token again from an empty cache, as transformers' Phi3ForCausalLM intends: the
 * graph then rotates all positions with the long table.
 */
public final class DecoderSession implements AutoCloseable {

    private final OnnxModel model;
    /** The plain companion or model.onnx, chosen by the model when the session opened. */
    private final GraphSession graph;
    private final KvCache cache;
    private SvfInputs svf;
    /** SVF multipliers, past keys/values and logits_from, fixed; ids and mask are replaced per run. */
    private final Map<String, OnnxTensor> inputs;
    private final Map<String, OnnxTensor> pinnedPresent = new LinkedHashMap<>();
    /** {@link #pinnedPresent} plus the one-row logits output, for runs that want a single row. */
    private final Map<String, OnnxTensor> pinnedPresentAndLogits;
    private final Set<String> requestedLogits;
    private final StepTensors step;
    /** What the keys and values depend on besides the tokens, for the prefix cache. */
    private final PrefixCache.Key prefixKey;
    /** {@link #prefixKey} for sequences past {@code kvCache.recomputeBeyond}; null when the manifest has none. */
    private final PrefixCache.Key switchedPrefixKey;
    private boolean closed;

    /** {@code svfMultipliers} were checked by the model; a graph without SVF inputs gets an empty map. */
    DecoderSession(OnnxModel model, GraphSession graph, KvCache cache, Map<String, float[]> svfMultipliers) {
        this.model = model;
        this.graph = graph;
        this.cache = cache;
        ModelManifest m = model.manifest();
        try {
            this.svf = SvfInputs.of(model, graph, svfMultipliers);
            this.inputs = new HashMap<>(svf.inputs());
            this.step = cache.stepTensors(model.environment(), model.vocabSize()); // pooled with the cache
        } catch (OrtException e) {
            closeOwnedSvf();
            model.release(cache);
            throw new EngineException("Could not create the decoder's input tensors", e);
        } catch (RuntimeException e) {
            closeOwnedSvf();
            model.release(cache);
            throw e;
        }
        inputs.put(m.inputs().logitsFrom(), step.logitsFrom());
        for (int layer = 0; layer < m.dimensions().numLayers(); layer++) {
            inputs.put(m.inputs().pastKey(layer), cache.key(layer));
            inputs.put(m.inputs().pastValue(layer), cache.value(layer));
            pinnedPresent.put(m.outputs().presentKey(layer), cache.key(layer));
            pinnedPresent.put(m.outputs().presentValue(layer), cache.value(layer));
        }
        this.pinnedPresentAndLogits = new LinkedHashMap<>(pinnedPresent);
        pinnedPresentAndLogits.put(m.outputs().logits(), step.logitsRow());
        this.requestedLogits = Set.of(m.outputs().logits());
        this.prefixKey = new PrefixCache.Key(graph, svfMultipliers);
        this.switchedPrefixKey = m.kvCache().recomputeBeyond() == null ? null : prefixKey.afterRopeSwitch();
    }

    /** The KV cache this session holds; for tests. */
    KvCache kvCache() {
        return cache;
    }

    /** The per-run tensors this session uses (owned by its cache); for tests. */
    StepTensors stepTensors() {
        return step;
    }

    /** Runs the prompt (or a further chunk of it) and returns the logits after its last token. */
    public float[] prefill(int[] tokenIds) {
        if (tokenIds.length == 0) {
            throw new IllegalArgumentException("Cannot prefill an empty token sequence");
        }
        if (cache.length() + tokenIds.length >= cache.capacity()) {
            throw new PromptTooLongException(cache.length() + tokenIds.length, cache.capacity(),
                    model.manifest().dimensions().contextLength());
        }
        return forward(tokenIds, tokenIds.length - 1)[0];
    }

    /** Feeds one generated token and returns the logits for the next one. */
    public float[] decode(int tokenId) {
        if (cache.length() + 1 > cache.capacity()) {
            throw new IllegalStateException("The context of " + cache.capacity() + " tokens is full");
        }
        return forward(new int[] {tokenId}, 0)[0];
    }

    /**
     * Feeds {@code tokenIds} after the cached positions and returns one logits row per position from
     * {@code logitsFrom} to the end of the chunk.
     */
    public float[][] forward(int[] tokenIds, int logitsFrom) {
        if (closed) {
            throw new IllegalStateException("This decoder session is closed");
        }
        int s = tokenIds.length;
        int past = cache.length();
        if (logitsFrom < 0 || logitsFrom >= s) {
            throw new IllegalArgumentException("logitsFrom must be in [0, " + s + "), got " + logitsFrom);
        }
        model.checkTokenIds(tokenIds);
        if (past + s > cache.capacity()) {
            throw new PromptTooLongException(past + s, cache.capacity(),
                    model.manifest().dimensions().contextLength());
        }
        ModelManifest m = model.manifest();
        if (m.kvCache().mustRecompute(past, s)) {
            // Phi-3 longrope: the cached keys were rotated with the short table, which this run leaves behind
            int[] all = Arrays.copyOf(cache.tokens(), past + s);
            System.arraycopy(tokenIds, 0, all, past, s);
            cache.reset();
            return forward(all, past + logitsFrom);
        }
        int rowCount = s - logitsFrom;
        OnnxTensor ids = null;
        OnnxTensor mask = null;
        try {
            ids = step.ids(tokenIds);
            mask = step.mask(past + s);
            inputs.put(m.inputs().inputIds(), ids);
            inputs.put(m.inputs().attentionMask(), mask);
            step.setLogitsFrom(logitsFrom);
            float[][] rows;
            if (rowCount == 1) { // decode and last-token prefill: logits land in the pinned row
                try (OrtSession.Result ignored = model.run(graph, inputs, Set.of(), pinnedPresentAndLogits)) {
                    rows = new float[][] {step.readLogitsRow()};
                }
            } else {
                try (OrtSession.Result result = model.run(graph, inputs, requestedLogits, pinnedPresent)) {
                    OnnxValue logits = result.get(m.outputs().logits()).orElseThrow(
                            () -> new EngineException("The graph returned no '" + m.outputs().logits() + "' output"));
                    rows = toRows(((OnnxTensor) logits), rowCount);
                }
            }
            cache.advance(tokenIds);
            return rows;
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime failed on a chunk of " + s + " tokens at position " + past
                    + ": " + e.getMessage(), e);
        } finally {
            inputs.remove(m.inputs().inputIds());
            inputs.remove(m.inputs().attentionMask());
            closeAll(StepTensors.persistentIds(s) ? null : ids, mask);
        }
    }

    private float[][] toRows(OnnxTensor logits, int expectedRows) {
        long[] shape = logits.getInfo().getShape();
        int vocab = model.vocabSize();
        if (shape.length != 3 || shape[1] != expectedRows || shape[2] != vocab) {
            throw new EngineException("Unexpected logits shape " + Arrays.toString(shape) + ", expected [1, "
                    + expectedRows + ", " + vocab + "]");
        }
        FloatBuffer buffer = logits.getFloatBuffer();
        float[][] rows = new float[expectedRows][vocab];
        for (float[] row : rows) {
            buffer.get(row);
        }
        return rows;
    }

    /** What this session's keys and values depend on besides the tokens: its graph and multipliers. */
    PrefixCache.Key prefixKey() {
        return prefixKey;
    }

    /** The graph this session runs. */
    GraphSession graph() {
        return graph;
    }

    /** Tokens held in the cache so far. */
    public int position() {
        return cache.length();
    }

    /** Positions this session can hold in total. */
    public int capacity() {
        return cache.capacity();
    }

    /**
     * Starts the sequence with the longest prefix of {@code prompt} that the model's prefix cache holds for this
     * session's graph and multipliers, copied into this session's own cache, leaving at least the last prompt token
     * to {@link #prefill} (its logits are needed). The graph derives positions from the attention mask's length
     * (cached positions plus the chunk), so the rest of the prompt continues exactly where the copy ends.
     *
     * <p>With {@code kvCache.recomputeBeyond} (Phi-3 longrope) a sequence longer than it holds keys rotated with the
     * long table throughout (it was prefilled past it or recomputed when it crossed it), a shorter one keys rotated
     * with the short table. Only more than {@code recomputeBeyond} positions of a long sequence are restored: a fresh
     * run of such a prefix rotates it with the long table too. A shorter prefix of it would mix long-rotated keys with
     * short-rotated new ones for as long as the sequence stays short, so it is not reused (short sequences are; when
     * the new sequence crosses the length, {@link #forward} recomputes it anyway).
     *
     * @return the positions restored (0 when nothing matched or the cache is off)
     * @throws IllegalStateException when the session already holds positions
     */
    public int reusePrefix(int[] prompt) {
        if (closed) {
            throw new IllegalStateException("This decoder session is closed");
        }
        if (cache.length() != 0) {
            throw new IllegalStateException("A prefix can only be reused by a session at position 0, not "
                    + cache.length());
        }
        PrefixCache prefixes = model.prefixCache();
        if (prefixes == null) {
            return 0;
        }
        PrefixCache.Match match = prefixes.longestPrefix(prefixKey, prompt, prompt.length - 1);
        if (switchedPrefixKey != null) {
            PrefixCache.Match switched = prefixes.longestPrefix(switchedPrefixKey, prompt, prompt.length - 1);
            if (switched != null && switched.length() > model.manifest().kvCache().recomputeBeyond()
                    && (match == null || switched.length() > match.length())) {
                match = switched;
            }
        }
        if (match == null) {
            return 0;
        }
        match.snapshot().restoreInto(cache, match.length());
        return match.length();
    }

    /** Offers the positions this session holds to the model's prefix cache (a copy; nothing when it is off). */
    public void keepPrefix() {
        if (closed) {
            throw new IllegalStateException("This decoder session is closed");
        }
        PrefixCache prefixes = model.prefixCache();
        if (prefixes != null) {
            boolean switched = switchedPrefixKey != null
                    && cache.length() > model.manifest().kvCache().recomputeBeyond();
            prefixes.keep(switched ? switchedPrefixKey : prefixKey, cache);
        }
    }

    /** Drops the cached positions so the session can start a new sequence. */
    public void reset() {
        cache.reset();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeOwnedSvf();
            model.release(cache); // the step tensors stay with the pooled cache
        }
    }

    private void closeOwnedSvf() {
        if (svf != null) {
            svf.close();
            svf = null;
        }
    }

    private static void closeAll(OnnxTensor... tensors) {
        for (OnnxTensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }
}
