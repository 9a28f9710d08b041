package dev.titans4j.t2.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.titans4j.export.manifest.FileIntegrity;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.onnx.DecoderGraphBuilder;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An exported model folder loaded once: its manifest and its ONNX Runtime session(s). Thread-safe: any number of
 * threads open {@link DecoderSession}s on it concurrently; each session takes its own {@link KvCache} from a pool.
 *
 * <p>Two graphs: when the manifest names a plain companion ({@code plainCompanion.model}, the decoder without the
 * Transformer² hook, whose extra matmuls slow every decode step: BENCHMARKS.md, "Decode speed"), sessions without
 * multipliers run it, and {@code model.onnx}
 * (the SVF graph) is loaded only when the first session with a non-empty multiplier map is opened. From then on
 * both graphs' weights are held in memory; {@link EngineOptions#withPlainCompanion(boolean)
 * withPlainCompanion(false)} keeps only {@code model.onnx} for applications that mix experts on every request.
 * Exports without a companion load {@code model.onnx} alone, for every session. Both graphs have the same KV
 * layout, so one cache pool serves both.
 *
 * <p>Loading compares the size of every file it relies on (both graphs and their data, the singular values, the
 * tokenizer files) with the manifest's {@link ModelManifest#fileDigests() digests}, and with
 * {@link EngineOptions#verifyChecksums()} also its CRC32C, so a truncated or corrupted copy fails here, naming the
 * file, instead of at the first request that mixes experts or with garbage output.
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
    private final EngineOptions options;
    private final OrtEnvironment env;
    /** Runs sessions without multipliers: the plain companion, or model.onnx when there is none or it is off. */
    private final GraphSession defaultGraph;
    /** model.onnx: the same object as {@link #defaultGraph} without a companion, else loaded on first need. */
    private volatile GraphSession svfGraph;
    private final Object svfLoading = new Object();
    private final int contextLength;
    private final Map<String, OnnxTensor> identitySvf;
    private final KvCachePool caches;
    /** Null when {@link EngineOptions#prefixCacheBytes()} is 0. */
    private final PrefixCache prefixes;
    private final KvBudget kvBudget;
    /** Null when requests decode alone: maxBatchSize 1, or a graph whose rows cannot differ in length. */
    private final BatchScheduler batches;
    /** Runs hold the read lock; close takes the write lock, so it waits for runs in flight instead of crashing them. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxModel(Path folder, ModelManifest manifest, EngineOptions options, OrtEnvironment env,
                      GraphSession defaultGraph, int contextLength, Map<String, OnnxTensor> identitySvf) {
        this.folder = folder;
        this.manifest = manifest;
        this.options = options;
        this.env = env;
        this.defaultGraph = defaultGraph;
        this.svfGraph = defaultGraph.svfInputs() || !hasSvf(manifest) ? defaultGraph : null;
        this.contextLength = contextLength;
        this.identitySvf = identitySvf;
        ModelManifest.Dimensions d = manifest.dimensions();
        this.caches = new KvCachePool(() -> new KvCache(env, d.numLayers(), d.numKvHeads(), d.headDim(),
                contextLength, manifest.kvCache().dtype()), MAX_IDLE_CACHES);
        long prefixBytes = Math.min(options.prefixCacheBytes(), Runtime.getRuntime().maxMemory() / 4);
        this.prefixes = prefixBytes > 0 ? new PrefixCache(prefixBytes) : null;
        long requestBytes = 2L * d.numLayers() * d.numKvHeads() * d.headDim() * contextLength
                * KvCache.elementBytes(KvCache.javaType(manifest.kvCache().dtype()));
        try {
            this.kvBudget = KvBudget.of(options.kvCacheBytes(), requestBytes, contextLength);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(folder + ": " + e.getMessage(), e);
        }
        int maxRows = Math.min(options.maxBatchSize(), kvBudget.maxRequests());
        // manifests from before batchRows: the rule the exporter writes it by, with the whole head rotated
        Boolean batchRows = manifest.kvCache().batchRows();
        boolean rowsShareRuns = batchRows != null ? batchRows
                : manifest.kvCache().recomputeBeyond() == null
                        && DecoderGraphBuilder.fusesRotary(d.headDim(), d.headDim());
        this.batches = maxRows > 1 && rowsShareRuns ? new BatchScheduler(this, maxRows) : null;
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
        if (options.executionProvider() == ExecutionProvider.CUDA) { // before any weights are read
            CudaProvider.requireAvailable(OrtEnvironment.getAvailableProviders());
            CudaProvider.requireFp16(folder, manifest.precision());
        }
        String plainFile = options.plainCompanion() && hasSvf(manifest) && manifest.plainCompanion() != null
                ? manifest.plainCompanion().model() : null;
        String defaultFile = plainFile != null ? plainFile : manifest.files().model();
        requireFile(folder, manifest.files().model());
        if (plainFile != null) {
            requireCompanion(folder, plainFile);
        }
        // here, not when a graph is first run: a bad model.onnx is found now even when it loads lazily
        FileIntegrity.requireIntact(folder, manifest, filesUsed(manifest, plainFile != null),
                options.verifyChecksums());
        int modelContext = manifest.dimensions().contextLength();
        int context = options.maxContextLength() == 0 ? modelContext
                : Math.min(options.maxContextLength(), modelContext);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> svf = Map.of();
        GraphSession graph = null;
        try {
            svf = identitySvf(env, manifest);
            graph = loadGraph(env, folder, manifest, options, defaultFile, plainFile == null);
            return new OnnxModel(folder, manifest, options, env, graph, context, svf);
        } catch (OrtException e) {
            svf.values().forEach(OnnxTensor::close);
            throw new EngineException("ONNX Runtime could not create the SVF identity inputs: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            svf.values().forEach(OnnxTensor::close);
            if (graph != null) {
                graph.close();
            }
            throw e;
        }
    }

    private static boolean hasSvf(ModelManifest m) {
        return m.svf() != null && m.svf().enabled() && m.svf().matrices() != null && !m.svf().matrices().isEmpty();
    }

    /** The files the manifest has digests for, but a plain companion this load will not run. */
    private static Set<String> filesUsed(ModelManifest m, boolean companion) {
        Set<String> files = new LinkedHashSet<>(m.fileDigests() == null ? Set.of() : m.fileDigests().keySet());
        if (!companion && m.plainCompanion() != null) {
            files.remove(m.plainCompanion().model());
            files.remove(m.plainCompanion().externalData());
        }
        return files;
    }

    private static void requireFile(Path folder, String name) {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " named in the manifest does not exist");
        }
    }

    private static void requireCompanion(Path folder, String name) {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": the plain companion named in the manifest"
                    + " (plainCompanion.model) does not exist; load with EngineOptions.withPlainCompanion(false)"
                    + " to use model.onnx for every request, or re-export the model");
        }
    }

    /** Loads one graph of the folder; {@code svfGraph}: model.onnx (checked for the SVF inputs) or the companion. */
    private static GraphSession loadGraph(OrtEnvironment env, Path folder, ModelManifest manifest,
                                          EngineOptions options, String file, boolean svfGraph) {
        Path modelFile = folder.resolve(file);
        String externalData = svfGraph ? manifest.files().externalData() : manifest.plainCompanion().externalData();
        OrtSession session = null;
        ExternalInitializers external = null;
        try (OrtSession.SessionOptions so = sessionOptions(options)) {
            ByteBuffer modelBytes = readFully(modelFile);
            if (externalData != null) {
                external = ExternalInitializers.load(env, modelBytes, modelFile);
                so.addExternalInitializers(external.tensors());
            }
            session = env.createSession(modelBytes, so);
            checkGraph(folder, manifest, session, svfGraph);
            return new GraphSession(file, session, external, svfGraph && hasSvf(manifest));
        } catch (OrtException e) {
            GraphSession.closeQuietly(session, external);
            throw new EngineException("ONNX Runtime could not load " + modelFile + ": " + e.getMessage(), e);
        } catch (IOException e) {
            GraphSession.closeQuietly(session, external);
            throw new UncheckedIOException("Could not read the weights of " + modelFile, e);
        } catch (RuntimeException e) {
            GraphSession.closeQuietly(session, external);
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
                CudaProvider.addTo(so, options.cudaDeviceId());
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

    private static void checkGraph(Path folder, ModelManifest m, OrtSession session, boolean svfGraph)
            throws OrtException {
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
        if (svfGraph && m.svf() != null && m.svf().matrices() != null) {
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

    /**
     * Opens a generation session with its own (pooled) KV cache, without Transformer² multipliers: it runs the plain
     * companion graph when there is one. Close it to return the cache.
     */
    public DecoderSession newSession() {
        return newSession(Map.of());
    }

    /**
     * Opens a session whose SVF multipliers are given per graph input (each a float[rank]); inputs left out keep
     * the identity (all ones). A non-empty map, even all ones, runs the SVF graph {@code model.onnx}, loading it on
     * first use when the plain companion serves the other sessions (both graphs' weights are then in memory); an
     * empty map is {@link #newSession()}.
     *
     * @throws IllegalArgumentException for an input the model does not have or a wrong number of multipliers,
     *                                  before any graph is loaded
     */
    public DecoderSession newSession(Map<String, float[]> svfMultipliers) {
        return newSession(svfMultipliers, false);
    }

    /**
     * {@link #newSession(Map)}, with {@code forceSvfGraph = true} running {@code model.onnx} even for an empty map
     * (identity inputs). For comparing candidates that include the base model, e.g. few-shot scoring of expert
     * mixes: every candidate is then computed by the same graph. The plain companion is the same base model, but in
     * int4 it quantises the original weights, not the SVF factors, so its logits differ slightly from the SVF
     * graph's identity. No effect for models without SVF inputs (there is only one graph).
     */
    public DecoderSession newSession(Map<String, float[]> svfMultipliers, boolean forceSvfGraph) {
        checkMultipliers(svfMultipliers);
        boolean svf = !svfMultipliers.isEmpty() || (forceSvfGraph && hasSvf(manifest));
        GraphSession graph = svf ? svfGraph() : defaultGraph;
        return new DecoderSession(this, graph, caches.acquire(), svfMultipliers);
    }

    /**
     * Checks that multipliers name this model's SVF inputs, each with one multiplier per singular value, without
     * loading anything.
     *
     * @throws IllegalArgumentException naming the input and the problem (also for a NaN or infinite multiplier)
     */
    public void checkMultipliers(Map<String, float[]> multipliers) {
        for (Map.Entry<String, float[]> e : multipliers.entrySet()) {
            OnnxTensor identity = identitySvf.get(e.getKey());
            if (identity == null) {
                throw new IllegalArgumentException("'" + e.getKey() + "' is not an SVF input of this model"
                        + (identitySvf.isEmpty() ? " (it has none)" : ""));
            }
            long rank = identity.getInfo().getShape()[0];
            if (e.getValue() == null || e.getValue().length != rank) {
                throw new IllegalArgumentException("SVF input '" + e.getKey() + "' needs " + rank
                        + " multipliers, got " + (e.getValue() == null ? "null" : e.getValue().length));
            }
            for (int i = 0; i < e.getValue().length; i++) {
                if (!Float.isFinite(e.getValue()[i])) { // every logit would be NaN
                    throw new IllegalArgumentException("SVF input '" + e.getKey() + "': multiplier " + i + " is "
                            + e.getValue()[i] + "; multipliers must be finite");
                }
            }
        }
    }

    /**
     * Checks that the model can embed every id: past the vocabulary ONNX Runtime's Gather fails deep in the graph, and
     * a negative id would silently embed a token counted from the end of the table (Gather's negative indices).
     *
     * @throws IllegalArgumentException naming the first id outside {@code [0, vocabSize)}
     */
    void checkTokenIds(int[] ids) {
        int vocab = vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("Token id " + ids[i] + " at index " + i
                        + " is outside the model's vocabulary of " + vocab + " ids");
            }
        }
    }

    /** model.onnx, loaded once by the first caller that needs it; concurrent callers wait for that load. */
    private GraphSession svfGraph() {
        GraphSession loaded = svfGraph;
        if (loaded != null) {
            return loaded;
        }
        lifecycle.readLock().lock(); // close() waits for the load instead of missing the new session
        try {
            synchronized (svfLoading) {
                if (closed) {
                    throw new IllegalStateException("The model " + folder + " is closed");
                }
                if (svfGraph == null) {
                    svfGraph = loadGraph(env, folder, manifest, options, manifest.files().model(), true);
                }
                return svfGraph;
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Whether model.onnx (the graph with Transformer² inputs) is in memory; without a plain companion, always. */
    public boolean svfGraphLoaded() {
        return svfGraph != null;
    }

    /** The graph sessions without multipliers run. */
    GraphSession defaultGraph() {
        return defaultGraph;
    }

    /** Whether sessions without multipliers run the plain companion graph rather than model.onnx. */
    public boolean usesPlainCompanion() {
        return !defaultGraph.svfInputs() && hasSvf(manifest);
    }

    void release(KvCache cache) {
        caches.release(cache);
    }

    /** A pooled cache outside any session (a batch row's copy for the prefix cache); {@link #release} it. */
    KvCache acquireCache() {
        return caches.acquire();
    }

    /** The budget every request is admitted under. */
    KvBudget kvBudget() {
        return kvBudget;
    }

    /** The decode batches of concurrent requests, or null when each request decodes alone. */
    BatchScheduler batches() {
        return batches;
    }

    OrtEnvironment environment() {
        return env;
    }

    /** One run of a graph; fails cleanly (instead of in native code) once the model is closed. */
    OrtSession.Result run(GraphSession graph, Map<String, OnnxTensor> inputs, Set<String> requestedOutputs,
                          Map<String, OnnxTensor> pinnedOutputs) throws OrtException {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("The model " + folder + " is closed");
            }
            return graph.run(inputs, requestedOutputs, pinnedOutputs);
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

    /**
     * How many initializers came from external data files (read into our own buffers) in the graphs loaded so far;
     * 0 for inline models.
     */
    public int externalInitializers() {
        GraphSession svf = svfGraph;
        return defaultGraph.externalInitializers() + (svf == null || svf == defaultGraph ? 0
                : svf.externalInitializers());
    }

    int idleCaches() {
        return caches.idleCount();
    }

    /** The KV of recent sequences, or null when the options turned it off. */
    PrefixCache prefixCache() {
        return prefixes;
    }

    /** The most prompt tokens the {@link Generator} runs at once (0 = all). */
    int prefillChunkTokens() {
        return options.prefillChunkTokens();
    }

    /** Empties the prefix cache (when there is one), e.g. to time requests without it. */
    public void clearPrefixCache() {
        if (prefixes != null) {
            prefixes.clear();
        }
    }

    /** Frees the sessions and weights after runs in flight finish; later runs throw {@link IllegalStateException}. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            caches.close();
            if (batches != null) {
                batches.close();
            }
            if (prefixes != null) {
                prefixes.close();
            }
            identitySvf.values().forEach(OnnxTensor::close);
            GraphSession svf = svfGraph;
            if (svf != null && svf != defaultGraph) {
                svf.close();
            }
            defaultGraph.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
