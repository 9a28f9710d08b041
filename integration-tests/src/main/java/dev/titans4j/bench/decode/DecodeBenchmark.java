package dev.titans4j.bench.decode;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.onnx.Int4Quantizer;
import dev.titans4j.t2.engine.ExecutionProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prefill and decode speed of exported models on random-weight checkpoints, next to Jlama on the same safetensors
 * and to this machine's memory read bandwidth. Not a test: run it on a quiet machine (see the package docs for the
 * command). Every decode figure is also given as a share of its bandwidth bound: measured read bandwidth divided by
 * the weight bytes one token reads.
 */
@Command(name = "decode-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prefill/decode tokens/s of titans4j (ONNX Runtime) vs Jlama vs the memory bandwidth bound.")
public final class DecodeBenchmark implements Callable<Integer> {

    /** Rows of a default export run with explicit all-ones multipliers, i.e. on its Transformer² graph. */
    static final String SVF_ENGINE = "titans4j +svf";

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "integration-tests/target/decode-bench",
            description = "checkpoints and exports are kept here and reused; default ${DEFAULT-VALUE}")
    Path work;

    @Option(names = "--shapes", split = ",", defaultValue = "A,B",
            description = "A (SmolLM2-135M-like), B (Qwen2.5-0.5B-like, vocab 32000), tinyA, tinyB (smoke test)")
    List<String> shapes;

    @Option(names = "--precisions", split = ",", defaultValue = "fp32,int4",
            description = "fp32, int4, fp16 (the precision --execution-provider cuda runs)")
    List<Precision> precisions;

    @Option(names = "--int4-block-sizes", split = ",", defaultValue = "32", paramLabel = "N",
            converter = BlockSizeConverter.class,
            description = "int4 block sizes to export and time (16, 32, 64, 128, 256); rows of a block other than "
                    + "32 are labelled bN; default ${DEFAULT-VALUE}")
    List<Integer> int4BlockSizes;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "intra-op thread counts")
    List<Integer> threads;

    @Option(names = "--prompt", defaultValue = "512", description = "prefill length; default ${DEFAULT-VALUE}")
    int promptTokens;

    @Option(names = "--decode", defaultValue = "128", description = "decoded tokens per run; default ${DEFAULT-VALUE}")
    int decodeTokens;

    @Option(names = "--runs", defaultValue = "5", description = "runs per figure (median); default ${DEFAULT-VALUE}")
    int runs;

    @Option(names = "--skip-plain",
            description = "do not also export and time --no-svf (the default export's plain companion is the same "
                    + "graph; the Transformer² hook's cost is its '" + SVF_ENGINE + "' row vs its plain row)")
    boolean skipPlain;

    @Option(names = "--no-spinning",
            description = "ONNX Runtime's intra-op threads sleep instead of busy-waiting (EngineOptions."
                    + "intraOpSpinning(false)): slower on a quiet machine, far faster on a busy one")
    boolean noSpinning;

    @Option(names = "--execution-provider", paramLabel = "cpu|cuda", defaultValue = "cpu",
            description = "where ONNX Runtime runs the titans4j rows: cpu (default) or cuda (-Pcuda build, fp16"
                    + " exports: --precisions fp16); their %% of bound is still against this machine's memory,"
                    + " integration-tests/gpu-check.sh gives the GPU's")
    ExecutionProvider executionProvider = ExecutionProvider.CPU;

    @Option(names = "--jlama-java", paramLabel = "JAVA",
            description = "java 21+ executable for Jlama (e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java); "
                    + "jlama-core must be on this process's class path (Maven profile bench-jlama)")
    Path jlamaJava;

    @Option(names = "--jlama-heap", defaultValue = "6g", description = "Jlama's -Xmx; default ${DEFAULT-VALUE}")
    String jlamaHeap;

    @Option(names = "--tokenizer", paramLabel = "DIR", defaultValue = "../shared/models/stories260K",
            description = "tokenizer files copied into the checkpoints (Jlama needs one); default ${DEFAULT-VALUE}")
    Path tokenizer;

    @Option(names = "--prepare-only",
            description = "write the checkpoints and exports, then stop (preparing is slow and need not be quiet)")
    boolean prepareOnly;

    @Option(names = "--llama-cpp", paramLabel = "DIR",
            description = "folder holding node-llama-cpp and its prebuilt binaries (README: how to install them); "
                    + "default $" + LlamaCppPeer.INSTALL_ENV + " or ~/.cache/titans4j/node-llama-cpp; without "
                    + "them llama.cpp's rows say why they were not run")
    Path llamaCpp;

    @Option(names = "--node", paramLabel = "NODE", defaultValue = "node",
            description = "node executable (20+) that runs llama.cpp; default ${DEFAULT-VALUE}")
    Path node;

    @Option(names = "--bandwidth-mb", defaultValue = "512", description = "bandwidth probe array size")
    int bandwidthMb;

    PrintStream log = System.err;
    PrintStream out = System.out;

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
        System.exit(new CommandLine(new DecodeBenchmark()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        log.println("decode-bench: " + Runtime.getRuntime().availableProcessors() + " CPUs, Java "
                + Runtime.version() + ", load average " + loadAverage());
        Map<Integer, List<Double>> bandwidth = new LinkedHashMap<>();
        Map<Integer, List<Double>> scalarBandwidth = new LinkedHashMap<>();
        if (!prepareOnly) {
            measureBandwidth(bandwidth, scalarBandwidth);
        }
        List<Row> rows = new ArrayList<>();
        for (String name : shapes) {
            ModelShape shape = ModelShape.named(name);
            log.println(shape.describe());
            long start = System.nanoTime();
            Path hf = RandomCheckpoint.ensure(shape, work.resolve(shape.name()).resolve("hf"),
                    Files.isDirectory(tokenizer) ? tokenizer : null, 42);
            log.printf(Locale.ROOT, "  checkpoint ready in %.0f s: %s%n", (System.nanoTime() - start) / 1e9, hf);
            for (Precision precision : precisions) {
                List<Integer> blocks = precision == Precision.int4 ? int4BlockSizes
                        : List.of(Int4Quantizer.DEFAULT_BLOCK_SIZE);
                Map<Integer, Path[]> exports = new LinkedHashMap<>();
                for (int block : blocks) {
                    Path svf = export(hf, exportDir(shape, precision, block, false), precision, block, true);
                    Path noSvf = !skipPlain ? export(hf, exportDir(shape, precision, block, true), precision, block,
                            false) : null;
                    exports.put(block, new Path[] {svf, noSvf});
                }
                for (int t : prepareOnly ? List.<Integer>of() : threads) {
                    String spin = noSpinning ? " nospin" : "";
                    for (Map.Entry<Integer, Path[]> e : exports.entrySet()) {
                        String block = blockLabel(precision, e.getKey());
                        // without experts (the plain companion), then the same export forced onto its SVF graph
                        rows.add(ort(shape, precision, t, "titans4j" + spin + block, e.getValue()[0], false));
                        rows.add(ort(shape, precision, t, SVF_ENGINE + spin + block, e.getValue()[0], true));
                        if (e.getValue()[1] != null) {
                            rows.add(ort(shape, precision, t, "titans4j --no-svf" + spin + block, e.getValue()[1],
                                    false));
                        }
                    }
                    rows.add(jlama(shape, precision, t, hf));
                    for (GgmlType type : ggufTypes(precision)) {
                        rows.add(llamaCpp(shape, precision, type, t, hf));
                    }
                }
                if (prepareOnly && llamaCppMissing().isEmpty()) {
                    for (GgmlType type : ggufTypes(precision)) {
                        gguf(shape, hf, type);
                    }
                }
            }
        }
        if (prepareOnly) {
            return 0;
        }
        measureBandwidth(bandwidth, scalarBandwidth); // again at the end: it drifts
        out.print(ResultTable.render(rows, fastest(bandwidth), medians(scalarBandwidth), promptTokens, decodeTokens,
                runs));
        return 0;
    }

    /** Both probes per thread count: the vector one gives the bounds, the scalar one (the old bound) is shown. */
    private void measureBandwidth(Map<Integer, List<Double>> vector, Map<Integer, List<Double>> scalar)
            throws Exception {
        BandwidthProbe probe = new BandwidthProbe(bandwidthMb);
        for (int t : threads) {
            double v = VectorBandwidthProbe.gigabytesPerSecond(bandwidthMb, t, 11, log);
            double s = probe.gigabytesPerSecond(t, 7);
            vector.computeIfAbsent(t, k -> new ArrayList<>()).add(v);
            scalar.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
            log.printf(Locale.ROOT, "  read bandwidth, %d thread(s): %.1f GB/s (vector probe), %.1f GB/s (scalar"
                    + " probe)%n", t, v, s);
        }
    }

    /** The vector probe's bound: the fastest read, before or after (other work only slows a read down). */
    private static Map<Integer, Double> fastest(Map<Integer, List<Double>> measured) {
        Map<Integer, Double> fastest = new LinkedHashMap<>();
        measured.forEach((t, v) -> fastest.put(t, v.stream().mapToDouble(Double::doubleValue).max().orElseThrow()));
        return fastest;
    }

    private static Map<Integer, Double> medians(Map<Integer, List<Double>> measured) {
        Map<Integer, Double> medians = new LinkedHashMap<>();
        measured.forEach((t, v) -> medians.put(t, Stats.median(v.stream().mapToDouble(Double::doubleValue)
                .toArray())));
        return medians;
    }

    /**
     * {@code int4}, {@code int4-plain} for the default block (the names before block sizes were an option, so
     * older exports stay valid); {@code int4-b128}, {@code int4-b128-plain} for others.
     */
    Path exportDir(ModelShape shape, Precision precision, int blockSize, boolean plain) {
        String name = precision.name() + (blockLabel(precision, blockSize).isEmpty() ? "" : "-b" + blockSize);
        return work.resolve(shape.name()).resolve(plain ? name + "-plain" : name);
    }

    /** " b128" for an int4 block other than the default, else empty. */
    static String blockLabel(Precision precision, int blockSize) {
        return precision == Precision.int4 && blockSize != Int4Quantizer.DEFAULT_BLOCK_SIZE ? " b" + blockSize : "";
    }

    private Path export(Path hf, Path out, Precision precision, int blockSize, boolean svf) throws IOException {
        return BenchExport.ensure(hf, out, precision, blockSize, svf, log);
    }

    /** {@code svf}: explicit all-ones multipliers, so the run uses model.onnx even when a companion exists. */
    private Row ort(ModelShape shape, Precision precision, int t, String engine, Path export, boolean svf) {
        log.printf(Locale.ROOT, "  %s %s %s, %d thread(s)...%n", shape.name(), engine, precision, t);
        Speed speed = OrtRunner.measure(export, svf, t, !noSpinning, promptTokens, decodeTokens, runs,
                executionProvider);
        log.println("    " + speed.runs());
        return Row.measured(shape, engine, precision, t, speed, weightBytesPerToken(shape, precision, export, svf));
    }

    private Row jlama(ModelShape shape, Precision precision, int t, Path hf) {
        long bytes = jlamaBytesPerToken(shape, precision);
        if (jlamaJava == null) {
            return Row.failed(shape, "Jlama", precision, t, bytes, "not run (no --jlama-java)");
        }
        log.printf(Locale.ROOT, "  %s Jlama %s, %d thread(s)...%n", shape.name(), precision, t);
        try {
            Speed speed = new JlamaProcess(jlamaJava, jlamaHeap, log).measure(hf, precision == Precision.int4, t,
                    promptTokens, decodeTokens, runs);
            log.println("    " + speed.runs());
            return Row.measured(shape, "Jlama", precision, t, speed, bytes);
        } catch (IOException e) {
            log.println("    " + e.getMessage());
            return Row.failed(shape, "Jlama", precision, t, bytes, "failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Row.failed(shape, "Jlama", precision, t, bytes, "interrupted");
        }
    }

    /** llama.cpp's files next to each precision: F32 (and F16) beside fp32, Q4_0 (and Q8_0) beside int4. */
    static List<GgmlType> ggufTypes(Precision precision) {
        return precision == Precision.int4 ? List.of(GgmlType.Q4_0, GgmlType.Q8_0)
                : List.of(GgmlType.F32, GgmlType.F16);
    }

    static String llamaCppEngine(GgmlType type) {
        return "llama.cpp " + type;
    }

    private Optional<String> llamaCppMissing() {
        return LlamaCppPeer.missing(llamaCppDir());
    }

    private Path llamaCppDir() {
        return llamaCpp != null ? llamaCpp : LlamaCppPeer.defaultInstallDir();
    }

    private Path gguf(ModelShape shape, Path hf, GgmlType type) throws IOException {
        Path dir = work.resolve(shape.name()).resolve("gguf");
        Path file = dir.resolve(GgufCheckpoint.fileName(type));
        if (!Files.isRegularFile(file)) {
            log.printf(Locale.ROOT, "  writing %s%n", file);
        }
        return GgufCheckpoint.ensure(shape, hf, dir, type);
    }

    private Row llamaCpp(ModelShape shape, Precision precision, GgmlType type, int t, Path hf) {
        String engine = llamaCppEngine(type);
        long bytes = GgufCheckpoint.bytesPerToken(shape, type);
        Optional<String> missing = llamaCppMissing();
        if (missing.isPresent()) {
            return Row.failed(shape, engine, precision, t, bytes, "not run: " + missing.get());
        }
        log.printf(Locale.ROOT, "  %s %s, %d thread(s)...%n", shape.name(), engine, t);
        try {
            Path file = gguf(shape, hf, type);
            Speed speed = new LlamaCppPeer(node, llamaCppDir(), log).measure(file, t, promptTokens, decodeTokens,
                    runs);
            log.println("    " + speed.runs());
            return Row.measured(shape, engine, precision, t, speed, bytes);
        } catch (IOException | IllegalArgumentException e) { // a file or a shape llama.cpp cannot take
            log.println("    " + e.getMessage());
            return Row.failed(shape, engine, precision, t, bytes, "failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Row.failed(shape, engine, precision, t, bytes, "interrupted");
        }
    }

    /**
     * Bytes of weights one decoded token reads: the files of the graph the run used (the plain companion for
     * sessions without multipliers when the export has one, else model.onnx), less the embedding table when only a
     * Gather reads it (one row per token). Tied fp32 exports use that table as the LM head too, so it is read in
     * full.
     */
    static long weightBytesPerToken(ModelShape shape, Precision precision, Path export, boolean svf) {
        try {
            ModelManifest manifest = ModelManifest.read(export);
            ModelManifest.PlainCompanion companion = svf ? null : manifest.plainCompanion();
            String model = companion != null ? companion.model() : manifest.files().model();
            String data = companion != null ? companion.externalData() : manifest.files().externalData();
            long bytes = Files.size(export.resolve(model));
            if (data != null) {
                bytes += Files.size(export.resolve(data));
            }
            boolean tableIsHead = shape.tied() && precision == Precision.fp32;
            return tableIsHead ? bytes : bytes - shape.embeddingBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Jlama's Q4 (blocks of 32 with a float scale: 0.625 bytes per weight) leaves the embedding table in F32 by
     * default ('jlama quantize' skips it), so a tied model's LM head still reads 4 bytes per weight.
     */
    static long jlamaBytesPerToken(ModelShape shape, Precision precision) {
        if (precision != Precision.int4) {
            return 4 * shape.matmulParameters();
        }
        long head = (long) shape.vocab() * shape.hidden();
        double headBytes = shape.tied() ? 4.0 : 0.625;
        return (long) ((shape.matmulParameters() - head) * 0.625 + head * headBytes);
    }

    /** An int4 block size MatMulNBits accepts, or a usage error naming the allowed ones. */
    static final class BlockSizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                return Int4Quantizer.checkBlockSize(Integer.parseInt(value.trim()));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a number");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
