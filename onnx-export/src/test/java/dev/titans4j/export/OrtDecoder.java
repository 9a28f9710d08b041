package dev.titans4j.export;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.titans4j.export.manifest.ModelManifest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal test-side runner of an exported folder through ONNX Runtime, the way the runtime will drive it: one
 * KV buffer per layer of {@code capacity} positions passed both as {@code past_key_values.N.*} and as the pinned
 * {@code present.N.*} output (GroupQueryAttention then updates it in place), chunked prefill, then decoding. Where
 * the manifest says so ({@link ModelManifest.KvCache#mustRecompute}), a run crossing the RoPE switch feeds the whole
 * sequence again from an empty cache, unless {@link #keepStaleCache()} was called.
 */
final class OrtDecoder implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final ModelManifest manifest;
    private final OrtSession session;
    private final int capacity;
    private final List<OnnxTensor> kv = new ArrayList<>();
    private final Map<String, OnnxTensor> pastInputs = new LinkedHashMap<>();
    private final Map<String, OnnxValue> pinned = new LinkedHashMap<>();
    private final Map<String, float[]> svf = new HashMap<>();
    private int position;
    private final List<Integer> history = new ArrayList<>();
    private boolean keepStaleCache;

    OrtDecoder(Path folder, int capacity, int threads) throws Exception {
        this(folder, null, capacity, threads);
    }

    /** Runs {@code modelFile} of the folder (null: the manifest's model); SVF inputs only if that graph has them. */
    OrtDecoder(Path folder, String modelFile, int capacity, int threads) throws Exception {
        this.manifest = ModelManifest.read(folder);
        this.capacity = capacity;
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        this.session = env.createSession(folder.resolve(modelFile == null ? manifest.files().model() : modelFile)
                .toString(), options);
        ModelManifest.Dimensions d = manifest.dimensions();
        boolean half = "float16".equals(manifest.kvCache().dtype());
        long[] shape = {1, d.numKvHeads(), capacity, d.headDim()};
        int elements = d.numKvHeads() * capacity * d.headDim();
        for (int layer = 0; layer < d.numLayers(); layer++) {
            for (int kind = 0; kind < 2; kind++) {
                ByteBuffer buf = ByteBuffer.allocateDirect(elements * (half ? 2 : 4)).order(ByteOrder.nativeOrder());
                OnnxTensor t = half ? OnnxTensor.createTensor(env, buf, shape, OnnxJavaType.FLOAT16)
                        : OnnxTensor.createTensor(env, buf.asFloatBuffer(), shape);
                kv.add(t);
                String in = kind == 0 ? manifest.inputs().pastKey(layer) : manifest.inputs().pastValue(layer);
                String out = kind == 0 ? manifest.outputs().presentKey(layer) : manifest.outputs().presentValue(layer);
                pastInputs.put(in, t);
                pinned.put(out, t);
            }
        }
        if (manifest.svf() != null && manifest.svf().enabled()) {
            for (ModelManifest.SvfMatrix m : manifest.svf().matrices()) {
                if (!session.getInputNames().contains(m.input())) {
                    continue; // the plain companion has no SVF inputs
                }
                float[] ones = new float[m.rank()];
                Arrays.fill(ones, 1f);
                svf.put(m.input(), ones);
            }
        }
    }

    ModelManifest manifest() {
        return manifest;
    }

    int position() {
        return position;
    }

    /** Multipliers of one SVF input (by graph input name). */
    void svf(String input, float[] multipliers) {
        if (!svf.containsKey(input)) {
            throw new IllegalArgumentException("no SVF input " + input);
        }
        svf.put(input, multipliers.clone());
    }

    /** Never recomputes: cached keys keep the rotation they were stored with (to show what the recompute fixes). */
    OrtDecoder keepStaleCache() {
        keepStaleCache = true;
        return this;
    }

    /**
     * Feeds {@code tokens} after the cached ones; returns logits of every fed position ({@code allLogits}) or of
     * the last one only.
     */
    float[][] feed(int[] tokens, boolean allLogits) throws OrtException {
        if (!keepStaleCache && manifest.kvCache().mustRecompute(position, tokens.length)) {
            int[] all = java.util.stream.IntStream.concat(history.stream().mapToInt(Integer::intValue),
                    Arrays.stream(tokens)).toArray();
            int cached = position;
            position = 0;
            history.clear();
            float[][] rows = feed(all, allLogits);
            return allLogits ? Arrays.copyOfRange(rows, cached, rows.length) : rows;
        }
        if (position + tokens.length > capacity) {
            throw new IllegalStateException("KV buffer full");
        }
        int total = position + tokens.length;
        long[] ids = Arrays.stream(tokens).asLongStream().toArray();
        long[] mask = new long[total];
        Arrays.fill(mask, 1);
        List<OnnxTensor> owned = new ArrayList<>();
        try {
            Map<String, OnnxTensor> inputs = new LinkedHashMap<>(pastInputs);
            inputs.put(manifest.inputs().inputIds(), own(owned, OnnxTensor.createTensor(env, LongBuffer.wrap(ids),
                    new long[] {1, tokens.length})));
            inputs.put(manifest.inputs().attentionMask(), own(owned, OnnxTensor.createTensor(env,
                    LongBuffer.wrap(mask), new long[] {1, total})));
            inputs.put(manifest.inputs().logitsFrom(), own(owned, OnnxTensor.createTensor(env,
                    LongBuffer.wrap(new long[] {allLogits ? 0 : tokens.length - 1}), new long[] {1})));
            for (Map.Entry<String, float[]> e : svf.entrySet()) {
                inputs.put(e.getKey(), own(owned, OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()),
                        new long[] {e.getValue().length})));
            }
            try (OrtSession.Result result = session.run(inputs, java.util.Set.of(manifest.outputs().logits()),
                    pinned)) {
                float[][][] logits = (float[][][]) result.get(manifest.outputs().logits()).orElseThrow().getValue();
                position = total;
                Arrays.stream(tokens).forEach(history::add);
                return logits[0];
            }
        } finally {
            owned.forEach(OnnxTensor::close);
        }
    }

    /** Greedy continuation of {@code prompt}: {@code count} new ids. */
    int[] greedy(int[] prompt, int count) throws OrtException {
        int[] out = new int[count];
        float[] logits = feed(prompt, false)[0];
        for (int i = 0; i < count; i++) {
            out[i] = argmax(logits);
            if (i + 1 < count) {
                logits = feed(new int[] {out[i]}, false)[0];
            }
        }
        return out;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static OnnxTensor own(List<OnnxTensor> owned, OnnxTensor t) {
        owned.add(t);
        return t;
    }

    @Override
    public void close() throws OrtException {
        kv.forEach(OnnxTensor::close);
        session.close();
    }
}
