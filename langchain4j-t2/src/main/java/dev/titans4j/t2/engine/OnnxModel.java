package dev.titans4j.t2.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.titans4j.export.manifest.ModelManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An exported model folder loaded once: its manifest and one ONNX Runtime session. Thread-safe: any number of
 * threads open {@link DecoderSession}s on it concurrently; each session takes its own {@link KvCache} from a pool.
 *
 * <p>Weights stay in anonymous memory: {@code model.onnx} is read into a buffer by us and handed to ONNX Runtime
 * (which parses the initializers into its own allocations), and an external data file ({@code model.onnx.data},
 * written for models over 2 GB) is read into direct buffers we own and passed as external initializers. Left to
 * itself ONNX Runtime memory-maps external data and uses the mapping in place; this machine's proactive reclaim pages
 * out file mappings idle for a minute, and every token would then fault the weights back in from disk.
 */
public final class OnnxModel implements AutoCloseable {

    /** Idle caches kept for reuse; each spans the whole context (hundreds of MB for 8k-token models). */
    private static final int MAX_IDLE_CACHES = 2;
    /** ONNX Runtime's session option for busy-waiting intra-op threads (see {@link EngineOptions}). */
    static final String SPINNING_CONFIG_KEY = "session.intra_op.allow_spinning";

    private final Path folder;
    private final ModelManifest manifest;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final int contextLength;
    private final Map<String, OnnxTensor> identitySvf;
    private final KvCachePool caches;
    private final ExternalInitializers externalWeights;
    /** Runs hold the read lock; close takes the write lock, so it waits for runs in flight instead of crashing them. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxModel(Path folder, ModelManifest manifest, OrtEnvironment env, OrtSession session, int contextLength,
                      Map<String, OnnxTensor> identitySvf, ExternalInitializers externalWeights) {
        this.folder = folder;
        this.manifest = manifest;
        this.env = env;
        this.session = session;
        this.contextLength = contextLength;
        this.identitySvf = identitySvf;
        this.externalWeights = externalWeights;
        ModelManifest.Dimensions d = manifest.dimensions();
        this.caches = new KvCachePool(() -> new KvCache(env, d.numLayers(), d.numKvHeads(), d.headDim(),
                contextLength, manifest.kvCache().dtype()), MAX_IDLE_CACHES);
    }

    /** Loads an exported folder (it must hold {@code manifest.json}). */
    public static OnnxModel load(Path folder, EngineOptions options) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("Model folder " + folder + " does not exist or is not a directory");
        }
        ModelManifest manifest;
        try {
            manifest = ModelManifest.read(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the manifest in " + folder, e);
        }
        if (!manifest.kvCache().sharedBuffer()) {
            throw new IllegalArgumentException(folder + ": this runtime needs a graph exported with a shared"
                    + " past/present KV buffer (manifest kvCache.sharedBuffer = true); re-export the model");
        }
        Path modelFile = folder.resolve(manifest.files().model());
        if (!Files.isRegularFile(modelFile)) {
            throw new IllegalArgumentException(modelFile + " named in the manifest does not exist");
        }
        int modelContext = manifest.dimensions().contextLength();
        int context = options.maxContextLength() == 0 ? modelContext
                : Math.min(options.maxContextLength(), modelContext);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        ExternalInitializers external = null;
        try (OrtSession.SessionOptions so = sessionOptions(options)) {
            ByteBuffer modelBytes = readFully(modelFile);
            if (manifest.files().externalData() != null) {
                external = ExternalInitializers.load(env, modelBytes, folder);
                so.addExternalInitializers(external.tensors());
            }
            session = env.createSession(modelBytes, so);
            checkGraph(folder, manifest, session);
            Map<String, OnnxTensor> svf = identitySvf(env, manifest);
            return new OnnxModel(folder, manifest, env, session, context, svf, external);
        } catch (OrtException e) {
            closeQuietly(session, external);
            throw new EngineException("ONNX Runtime could not load " + modelFile + ": " + e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(session, external);
            throw new UncheckedIOException("Could not read the weights of " + modelFile, e);
        } catch (RuntimeException e) {
            closeQuietly(session, external);
            throw e;
        }
    }

    private static OrtSession.SessionOptions sessionOptions(EngineOptions options) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            so.setInterOpNumThreads(1);
            so.addConfigEntry(SPINNING_CONFIG_KEY, options.intraOpSpinning() ? "1" : "0");
            if (options.executionProvider() == ExecutionProvider.CUDA) {
                if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                    throw new EngineException("The CUDA execution provider was requested but the ONNX Runtime on the"
                            + " classpath is the CPU-only build; replace com.microsoft.onnxruntime:onnxruntime with"
                            + " com.microsoft.onnxruntime:onnxruntime_gpu (Maven profile 'cuda') and install CUDA");
                }
                so.addCUDA(options.cudaDeviceId());
            }
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    private static ByteBuffer readFully(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + " is over 2 GB; export it with external data");
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect((int) size);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    break;
                }
            }
            return buffer.flip();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    private static void checkGraph(Path folder, ModelManifest m, OrtSession session) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        List<String> missing = new ArrayList<>();
        List<String> expectedInputs = new ArrayList<>(List.of(m.inputs().inputIds(), m.inputs().attentionMask(),
                m.inputs().logitsFrom()));
        List<String> expectedOutputs = new ArrayList<>(List.of(m.outputs().logits()));
        for (int layer = 0; layer < m.dimensions().numLayers(); layer++) {
            expectedInputs.add(m.inputs().pastKey(layer));
            expectedInputs.add(m.inputs().pastValue(layer));
            expectedOutputs.add(m.outputs().presentKey(layer));
            expectedOutputs.add(m.outputs().presentValue(layer));
        }
        if (m.svf() != null && m.svf().matrices() != null) {
            m.svf().matrices().forEach(matrix -> expectedInputs.add(matrix.input()));
        }
        expectedInputs.stream().filter(name -> !inputs.containsKey(name)).forEach(name -> missing.add("input " + name));
        expectedOutputs.stream().filter(name -> !outputs.containsKey(name))
                .forEach(name -> missing.add("output " + name));
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(folder + ": the graph does not match its manifest; missing "
                    + String.join(", ", missing));
        }
    }

    private static Map<String, OnnxTensor> identitySvf(OrtEnvironment env, ModelManifest m) throws OrtException {
        if (m.svf() == null || m.svf().matrices() == null) {
            return Map.of();
        }
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        for (ModelManifest.SvfMatrix matrix : m.svf().matrices()) {
            float[] ones = new float[matrix.rank()];
            Arrays.fill(ones, 1f);
            tensors.put(matrix.input(), OnnxTensor.createTensor(env, FloatBuffer.wrap(ones),
                    new long[] {matrix.rank()}));
        }
        return Collections.unmodifiableMap(tensors);
    }

    /** Opens a generation session with its own (pooled) KV cache; close it to return the cache. */
    public DecoderSession newSession() {
        return new DecoderSession(this, caches.acquire(), Map.of());
    }

    /**
     * Opens a session whose SVF multipliers are given per graph input (each a float[rank]); inputs left out keep
     * the identity (all ones).
     */
    public DecoderSession newSession(Map<String, float[]> svfMultipliers) {
        return new DecoderSession(this, caches.acquire(), svfMultipliers);
    }

    void release(KvCache cache) {
        caches.release(cache);
    }

    OrtEnvironment environment() {
        return env;
    }

    /** One run of the graph; fails cleanly (instead of in native code) once the model is closed. */
    OrtSession.Result run(Map<String, OnnxTensor> inputs, Set<String> requestedOutputs,
                          Map<String, OnnxTensor> pinnedOutputs) throws OrtException {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("The model " + folder + " is closed");
            }
            return session.run(inputs, requestedOutputs, pinnedOutputs);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    Map<String, OnnxTensor> identitySvf() {
        return identitySvf;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public Path folder() {
        return folder;
    }

    /** Positions a request may use (prompt plus output): the model's context, possibly capped by the options. */
    public int contextLength() {
        return contextLength;
    }

    public int vocabSize() {
        return manifest.dimensions().vocabSize();
    }

    /** How many initializers came from an external data file (read into our own buffers); 0 for inline models. */
    public int externalInitializers() {
        return externalWeights == null ? 0 : externalWeights.size();
    }

    int idleCaches() {
        return caches.idleCount();
    }

    /** Frees the session and weights after runs in flight finish; later runs throw {@link IllegalStateException}. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            caches.close();
            identitySvf.values().forEach(OnnxTensor::close);
            closeQuietly(session, externalWeights);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static void closeQuietly(OrtSession session, ExternalInitializers external) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // nothing useful to do while already failing or shutting down
            }
        }
        if (external != null) {
            external.close(); // only after the session: it reads these buffers until then
        }
    }
}
