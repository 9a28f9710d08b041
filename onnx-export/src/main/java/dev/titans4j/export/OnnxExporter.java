package dev.titans4j.export;

import dev.titans4j.export.hf.CheckpointValidator;
import dev.titans4j.export.hf.WordEmbeddings;
import dev.titans4j.export.hf.ModelConfig;
import dev.titans4j.export.hf.TokenizerFiles;
import dev.titans4j.export.manifest.DigestingOutputStream;
import dev.titans4j.export.manifest.FileDigest;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.onnx.DecoderGraphBuilder;
import dev.titans4j.export.onnx.Graph;
import dev.titans4j.export.onnx.Initializer;
import dev.titans4j.export.onnx.OnnxModelWriter;
import dev.titans4j.export.onnx.WeightSource;
import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.safetensors.SafetensorsWriter;
import dev.titans4j.export.svf.SvfLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a Hugging Face checkpoint folder of a supported architecture (one {@code FamilySpec} each) into a titans4j
 * model folder: {@code model.onnx} (+ {@code model.onnx.data}), the tokenizer files, {@code svf.safetensors}
 * (Transformer² singular values) and {@code manifest.json}. With the Transformer² hook on, also {@code model-plain.onnx} (+ data), the same decoder
 * without the hook, unless {@link ExportOptions#plainCompanion()} is off. Config, tokenizer and weights are validated
 * before the output folder is touched (see {@link #export}).
 *
 * <pre>{@code
 * ExportResult r = OnnxExporter.builder()
 *         .options(ExportOptions.builder().precision(Precision.int4).build())
 *         .build()
 *         .export(Path.of("SmolLM2-135M-Instruct"), Path.of("smollm2-int4"));
 * }</pre>
 */
public final class OnnxExporter {

    public static final String VERSION = "0.1.0";
    public static final String MODEL_FILE = "model.onnx";
    public static final String SVF_FILE = "svf.safetensors";
    /** The plain companion graph (no Transformer² hook), written next to an SVF {@link #MODEL_FILE}. */
    public static final String PLAIN_MODEL_FILE = "model-plain.onnx";
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "generation_config.json", "special_tokens_map.json");
    private static final int OPSET = 21;
    /** Files of an earlier export that a forced export into the same folder must not leave next to its own. */
    private static final List<String> STALE_FILES = List.of(MODEL_FILE + ".data", SVF_FILE, PLAIN_MODEL_FILE,
            PLAIN_MODEL_FILE + ".data");

    private final ExportOptions options;
    private final ExportProgress progress;

    private OnnxExporter(Builder b) {
        this.options = b.options;
        this.progress = b.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Exports {@code input} into {@code output}. Everything that can be checked without reading the weights is
     * checked before anything is written: the config (special-token ids inside the vocabulary), the tokenizer files,
     * every safetensors header and the sizes config.json implies against the checkpoint's tensors. The weights are
     * checked finite as they are read. The export is written into a staging folder beside {@code output} and moved
     * into place at the end ({@link StagedOutput}): a failed export leaves no output folder, or the one it found.
     */
    public ExportResult export(Path input, Path output) throws IOException {
        long start = System.nanoTime();
        progress.phase("validating " + input);
        if (Files.exists(input) && !Files.isDirectory(input)) {
            throw new ExportException("input " + input + " is a file, not a Hugging Face checkpoint folder (the"
                    + " folder that holds config.json and the weights)");
        }
        if (!Files.isDirectory(input)) {
            throw new ExportException("input folder not found: " + input);
        }
        ModelConfig config = ModelConfig.load(input);
        if (config.dims().headDim() % 8 != 0) {
            throw new ExportException(input.resolve("config.json") + ": head_dim " + config.dims().headDim()
                    + " is not supported: ONNX Runtime's GroupQueryAttention needs a multiple of 8");
        }
        try (Checkpoint checkpoint = Checkpoint.open(input)) {
            CheckpointValidator.validate(config, checkpoint);
            TokenizerFiles.validate(input, config);
            WordEmbeddings wordEmbeddings = WordEmbeddings.of(config, checkpoint);
            try (StagedOutput staged = StagedOutput.prepare(output, options.force(), STALE_FILES)) {
                DecoderGraphBuilder.Result built = DecoderGraphBuilder.build(config, wordEmbeddings,
                        WeightSource.of(checkpoint),
                        new DecoderGraphBuilder.Options(options.precision(), options.svfForm(),
                                options.int4BlockSize()));
                ExportResult result;
                try (SvfLedger ledger = built.svf()) {
                    result = write(input, staged.dir(), output, config, wordEmbeddings, built, checkpoint, start);
                }
                staged.commit();
                return result;
            }
        }
    }

    private ExportResult write(Path input, Path output, Path finalOutput, ModelConfig config,
                               WordEmbeddings wordEmbeddings, DecoderGraphBuilder.Result built, Checkpoint checkpoint,
                               long start) throws IOException {
        Map<String, FileDigest> digests = new LinkedHashMap<>();
        OnnxModelWriter.Written written = writeGraph(built.graph(), output.resolve(MODEL_FILE), digests);
        OnnxModelWriter.Written plain = null;
        if (options.plainCompanion()) {
            // the original weights, read again from the checkpoint: no SVD involved; with their stored dtypes, as
            // some rules round constants to them (Gemma's embedding scale)
            DecoderGraphBuilder.Result plainBuilt = DecoderGraphBuilder.build(config, wordEmbeddings,
                    WeightSource.of(checkpoint),
                    new DecoderGraphBuilder.Options(options.precision(), null, options.int4BlockSize()));
            try (SvfLedger none = plainBuilt.svf()) {
                plain = writeGraph(plainBuilt.graph(), output.resolve(PLAIN_MODEL_FILE), digests);
            }
        }
        if (options.svfEnabled()) {
            writeSingularValues(built, output.resolve(SVF_FILE));
            // read back: a few bytes per singular value, just written, so still in the page cache
            digests.put(SVF_FILE, FileDigest.of(output.resolve(SVF_FILE)));
        }
        for (String file : TOKENIZER_FILES) {
            Path source = input.resolve(file);
            if (Files.isRegularFile(source)) {
                digests.put(file, copy(source, output.resolve(file)));
            }
        }
        ModelManifest manifest = ManifestFactory.create(config, input, options, written, plain, digests,
                built.svfWeights(), built.svf());
        manifest.write(output);
        Map<String, Long> sizes = new LinkedHashMap<>();
        digests.forEach((file, digest) -> sizes.put(file, digest.size()));
        sizes.put(ModelManifest.FILE_NAME, Files.size(output.resolve(ModelManifest.FILE_NAME)));
        return new ExportResult(finalOutput, manifest, config.parameterCount(), sizes,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** Writes one graph (+ its data file when needed or asked for) with its own progress phase. */
    private OnnxModelWriter.Written writeGraph(Graph graph, Path file, Map<String, FileDigest> digests)
            throws IOException {
        boolean external = options.externalData() || OnnxModelWriter.mustUseExternalData(graph);
        String name = file.getFileName().toString();
        progress.phase("writing " + name + (external ? " + " + name + ".data" : ""));
        OnnxModelWriter.Written written;
        try {
            written = new OnnxModelWriter().opset("", OPSET).opset(Graph.MS_DOMAIN, 1)
                    .producer("titans4j", VERSION)
                    .write(graph, file, external, counting(graph));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        digests.put(name, written.modelDigest());
        if (written.dataFile() != null) {
            digests.put(written.dataFile().getFileName().toString(), written.dataDigest());
        }
        return written;
    }

    /** Copies a tokenizer file, digesting the bytes on their way to the copy. */
    private static FileDigest copy(Path source, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(source);
             DigestingOutputStream out = new DigestingOutputStream(Files.newOutputStream(target))) {
            in.transferTo(out);
            return out.digest();
        }
    }

    private OnnxModelWriter.Listener counting(Graph graph) {
        List<Initializer> all = graph.initializers();
        long totalBytes = all.stream().mapToLong(Initializer::byteLength).sum();
        int[] done = {0};
        long[] bytes = {0};
        return tensor -> {
            done[0]++;
            bytes[0] += tensor.byteLength();
            progress.tensorWritten(tensor.name(), done[0], all.size(), bytes[0], totalBytes);
        };
    }

    private static void writeSingularValues(DecoderGraphBuilder.Result built, Path file) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "titans4j-svf")
                .metadata("content", "singular values of each adapted weight, descending");
        Map<String, double[]> values = built.svf().singularValues();
        for (String weight : built.svfWeights()) {
            double[] s = Objects.requireNonNull(values.get(weight), "no SVD computed for " + weight);
            float[] f = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                f[i] = (float) s[i];
            }
            writer.add(weight, DType.F32, new long[] {s.length}, f);
        }
        writer.write(file);
    }

    public static final class Builder {
        private ExportOptions options = ExportOptions.defaults();
        private ExportProgress progress = ExportProgress.NONE;

        public Builder options(ExportOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        public Builder progress(ExportProgress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public OnnxExporter build() {
            return new OnnxExporter(this);
        }
    }

    static String kvDtype(Precision precision) {
        return precision == Precision.fp16 ? "float16" : "float32";
    }
}
