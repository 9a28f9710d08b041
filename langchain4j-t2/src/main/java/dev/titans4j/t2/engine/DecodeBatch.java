package dev.titans4j.t2.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.titans4j.export.manifest.ModelManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Concurrent requests on one graph with the same Transformer² multipliers, decoded together: one model run per step
 * feeds every member's last token and returns every member's next logits, so the weights are read once per step
 * instead of once per request.
 *
 * <p>Each member runs on its own caller thread: it chooses its token, emits its text and checks its own stops and
 * cancellation, then {@link Member#decode submits} the token and waits. The step runs on the thread whose submission
 * completes the set (the last member to submit), inside this batch's lock; a member joining or leaving waits for a
 * running step and takes effect before the next. A slow member (a long streaming callback) therefore delays the
 * others' next step, not their current one.
 *
 * <p>The KV of member i is row i of a {@link KvSlotPool}; rows are kept contiguous (a leaving member's row is filled
 * by the last one), the pool grows by doubling up to {@code maxRows}, and a full batch refuses new members (the
 * {@link BatchScheduler} then opens another).
 */
final class DecodeBatch {

    /** How often a member waiting for the others' tokens looks at its cancellation flag. */
    private static final long CANCEL_POLL_MILLIS = 20;

    /** The slot pool and the step tensors sized for it, reused together by the next batch. */
    record Memory(KvSlotPool kv, BatchTensors step) implements AutoCloseable {
        @Override
        public void close() {
            kv.close();
            step.close();
        }
    }

    private final OnnxModel model;
    private final BatchScheduler scheduler;
    private final GraphSession graph;
    private final PrefixCache.Key key;
    private final SvfInputs svf;
    private final int maxRows;
    private final int capacity;
    private final ModelManifest.Inputs inputNames;
    /** A step's inputs and pinned outputs; the views of {@link #memory} in them are for {@link #viewsBatch} rows. */
    private final Map<String, OnnxTensor> inputs = new HashMap<>();
    private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
    private Memory viewsMemory;
    private int viewsBatch;
    private final List<Member> members = new ArrayList<>();
    private Memory memory;
    private int[] stepTokens;
    private int[] stepLengths;
    /** Written under this batch's lock; read without it by {@link #hasRoom}, as a running step holds the lock. */
    private volatile int size;
    private volatile boolean closed;
    /** Requests waiting for this batch's lock to join it; a step waits for them. */
    private final AtomicInteger joining = new AtomicInteger();

    DecodeBatch(OnnxModel model, BatchScheduler scheduler, GraphSession graph, PrefixCache.Key key, int maxRows,
                Memory reused) {
        this.model = model;
        this.scheduler = scheduler;
        this.graph = graph;
        this.key = key;
        this.maxRows = maxRows;
        this.capacity = model.contextLength();
        this.inputNames = model.manifest().inputs();
        this.svf = SvfInputs.of(model, graph, key.multipliers());
        this.memory = reused != null ? reused : allocate(1);
        this.stepTokens = new int[maxRows];
        this.stepLengths = new int[maxRows];
        inputs.putAll(svf.inputs());
    }

    private Memory allocate(int rows) {
        ModelManifest.Dimensions d = model.manifest().dimensions();
        KvSlotPool kv = new KvSlotPool(model.environment(), rows, d.numLayers(), d.numKvHeads(), d.headDim(),
                capacity, model.manifest().kvCache().dtype());
        try {
            return new Memory(kv, new BatchTensors(model.environment(), rows, capacity, model.vocabSize()));
        } catch (OrtException e) {
            kv.close();
            throw new EngineException("Could not create the batch's step tensors: " + e.getMessage(), e);
        }
    }

    PrefixCache.Key key() {
        return key;
    }

    /** Whether a {@link #join} may succeed now; it can still refuse, when others filled or ended it since. */
    boolean hasRoom() {
        return !closed && size < maxRows;
    }

    /**
     * Adds the request whose prompt {@code session} holds, copying its positions into a free row; null when this
     * batch is full or has ended (its last member left).
     */
    Member join(DecoderSession session) {
        joining.incrementAndGet();
        synchronized (this) {
            try {
                return admit(session);
            } finally {
                joining.decrementAndGet();
                notifyAll(); // a step held back for this join may run now
            }
        }
    }

    private Member admit(DecoderSession session) {
        if (closed || members.size() >= maxRows) {
            return null;
        }
        if (members.size() == memory.kv().rows()) {
            grow(Math.min(maxRows, memory.kv().rows() * 2));
        }
        KvCache cache = session.kvCache();
        Member m = new Member(members.size(), cache.tokens());
        memory.kv().copyIn(cache, m.length, m.row);
        members.add(m);
        size = members.size();
        return m;
    }

    /** Moves the members' rows into a larger pool (once per doubling, not per step). */
    private void grow(int rows) {
        Memory larger = allocate(rows);
        for (Member m : members) {
            memory.kv().copyRow(m.row, m.length, larger.kv(), m.row);
        }
        memory.close();
        memory = larger;
    }

    /**
     * Submits {@code m}'s token and waits for the step that feeds it; null when {@code cancelled} turned true (or
     * the thread was interrupted and that cancels) before a step took the token, which is then withdrawn: a member
     * blocked in its own callback would otherwise hold up the others' cancellation until it returns.
     */
    private float[] step(Member m, int token, BooleanSupplier cancelled) {
        synchronized (this) {
            if (m.left) {
                throw new IllegalStateException("This request has left its decode batch");
            }
            if (m.length + 1 > capacity) {
                throw new IllegalStateException("The context of " + capacity + " tokens is full");
            }
            m.pending = token;
            m.submitted = true;
            m.logits = null;
            m.failure = null;
        }
        boolean interrupted = false;
        try {
            while (true) {
                synchronized (this) {
                    // a waiting join goes first: this lock is not fair, and members re-entering it between fast
                    // steps could otherwise keep a joiner out until they end
                    if (m.logits == null && m.failure == null && allSubmitted() && joining.get() == 0) {
                        runStep();
                    }
                    if (m.logits == null && m.failure == null) {
                        try {
                            wait(CANCEL_POLL_MILLIS);
                        } catch (InterruptedException e) {
                            interrupted = true; // the step may already include this row: it ends only if cancelled
                        }
                    }
                    if (m.failure != null) {
                        throw m.failure;
                    }
                    if (m.logits != null) {
                        return m.logits;
                    }
                }
                if (KvBudget.isCancelled(cancelled, interrupted)) { // outside the lock: the caller's code
                    synchronized (this) {
                        if (m.logits == null && m.failure == null) { // no step took the token: withdraw it
                            m.submitted = false;
                            return null;
                        }
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean allSubmitted() {
        for (Member m : members) {
            if (!m.submitted) {
                return false;
            }
        }
        return true;
    }

    private void runStep() {
        int batch = members.size();
        for (int b = 0; b < batch; b++) {
            stepTokens[b] = members.get(b).pending;
            stepLengths[b] = members.get(b).length;
        }
        BatchTensors step = memory.step();
        OnnxTensor mask = null;
        try {
            useViews(batch);
            inputs.put(inputNames.inputIds(), step.ids(stepTokens, batch));
            mask = step.mask(stepLengths, batch);
            inputs.put(inputNames.attentionMask(), mask);
            try (OrtSession.Result ignored = model.run(graph, inputs, Set.of(), outputs)) {
                for (int b = 0; b < batch; b++) {
                    Member member = members.get(b);
                    member.tokens[member.length++] = member.pending;
                    member.logits = step.logitsRow(b);
                }
            }
            scheduler.stepped(batch);
        } catch (OrtException e) {
            fail(new EngineException("ONNX Runtime failed on a decode step of " + batch + " requests: "
                    + e.getMessage(), e));
        } catch (RuntimeException e) {
            fail(e);
        } catch (Error e) { // the others must not wait for logits that will never come
            fail(new EngineException("A decode step of " + batch + " requests failed: " + e, e));
            throw e;
        } finally {
            if (mask != null) {
                mask.close();
            }
            members.forEach(member -> member.submitted = false);
            notifyAll();
        }
    }

    /** Puts the views of the memory's first {@code batch} rows into the step maps, unless they hold them already. */
    private void useViews(int batch) throws OrtException {
        if (viewsMemory == memory && viewsBatch == batch) {
            return;
        }
        KvSlotPool kv = memory.kv();
        ModelManifest m = model.manifest();
        for (int layer = 0; layer < m.dimensions().numLayers(); layer++) {
            inputs.put(inputNames.pastKey(layer), kv.keys(layer, batch));
            inputs.put(inputNames.pastValue(layer), kv.values(layer, batch));
            outputs.put(m.outputs().presentKey(layer), kv.keys(layer, batch));
            outputs.put(m.outputs().presentValue(layer), kv.values(layer, batch));
        }
        inputs.put(inputNames.logitsFrom(), memory.step().logitsFrom());
        outputs.put(m.outputs().logits(), memory.step().logits(batch));
        viewsMemory = memory;
        viewsBatch = batch;
    }

    private void fail(RuntimeException e) {
        members.forEach(member -> member.failure = e);
    }

    /**
     * Removes {@code m}: its row is copied into a pooled cache for the prefix cache first when {@code keepPrefix},
     * and the last row moves into its place. The batch ends with its last member. The member leaves even when that
     * copy fails (the model was closed meanwhile, no memory for the cache): a member that stayed would keep the
     * others waiting for its token forever.
     */
    private void leave(Member m, boolean keepPrefix) {
        KvCache kept = null;
        boolean emptied = false;
        try {
            synchronized (this) {
                if (m.left) {
                    return;
                }
                try {
                    kept = keepPrefix ? copyForPrefixCache(m) : null;
                } finally {
                    emptied = remove(m);
                }
            }
            if (kept != null) {
                model.prefixCache().keep(key, kept);
            }
        } finally {
            if (kept != null) {
                model.release(kept);
            }
            if (emptied) {
                svf.close();
                scheduler.retire(this, memory);
            }
        }
    }

    /**
     * A pooled cache holding {@code m}'s positions for the prefix cache, or null when it is off or already holds the
     * sequence (which is then not copied out of its row, under this lock, again).
     */
    private KvCache copyForPrefixCache(Member m) {
        PrefixCache prefixes = model.prefixCache();
        int[] sequence = prefixes == null ? null : Arrays.copyOf(m.tokens, m.length);
        if (sequence == null || prefixes.holds(key, sequence)) {
            return null;
        }
        KvCache kept = model.acquireCache();
        try {
            memory.kv().copyOut(m.row, m.length, kept);
            kept.restored(sequence);
            return kept;
        } catch (RuntimeException | Error e) {
            model.release(kept);
            throw e;
        }
    }

    /** Takes {@code m}'s row out (the last row fills it) and wakes the others; whether the batch is now empty. */
    private boolean remove(Member m) {
        m.left = true;
        Member last = members.remove(members.size() - 1);
        if (last != m) {
            memory.kv().copyRow(last.row, last.length, memory.kv(), m.row);
            last.row = m.row;
            members.set(m.row, last);
        }
        size = members.size();
        closed = members.isEmpty();
        notifyAll(); // the others may all be waiting for this member's token
        return closed;
    }

    int size() {
        return size;
    }

    /** One request's row in the batch; used by that request's thread only. */
    final class Member implements TokenFeed {

        private final int[] tokens = new int[capacity];
        private int row;
        private int length;
        private int pending;
        private boolean submitted;
        private boolean left;
        private float[] logits;
        private RuntimeException failure;

        private Member(int row, int[] prompt) {
            this.row = row;
            System.arraycopy(prompt, 0, tokens, 0, prompt.length);
            this.length = prompt.length;
        }

        @Override
        public float[] decode(int token, BooleanSupplier cancelled) {
            return step(this, token, cancelled);
        }

        @Override
        public int position() {
            synchronized (DecodeBatch.this) {
                return length;
            }
        }

        @Override
        public int capacity() {
            return capacity;
        }

        @Override
        public void finish(boolean keepPrefix) {
            leave(this, keepPrefix);
        }
    }
}
