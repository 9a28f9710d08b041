package dev.titans4j.bench.decode;

import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.onnx.Int4Quantizer;
import dev.titans4j.t2.engine.DecoderSession;
import dev.titans4j.t2.engine.EngineException;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.ExecutionProvider;
import dev.titans4j.t2.engine.OnnxModel;
import dev.titans4j.t2.engine.TokenSelector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CUDA path's one prepared check (issue 14), run by {@code integration-tests/gpu-check.sh}: exports a
 * random-weight shape in fp16, runs greedy decoding on the CPU as the reference, feeds the same tokens to the GPU
 * and compares its choices position by position ({@link GreedyAgreement}), then times prefill and decode on the GPU
 * and gives decode as a share of the GPU's specified memory bandwidth ({@link GpuBandwidth}). Its last stdout line
 * is one JSON object. {@code --dry-run-cpu} runs the "device" side on the CPU too, so the logic can be checked on a
 * machine without a GPU (then both sides are the same computation and must agree exactly).
 */
@Command(name = "gpu-check", mixinStandardHelpOptions = true, sortOptions = false,
        description = "fp16 greedy output on CUDA vs the CPU, and CUDA prefill/decode tok/s vs the GPU's bandwidth.")
public final class GpuCheck implements Callable<Integer> {

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "integration-tests/target/gpu-check",
            description = "checkpoint and export are written here and reused; default ${DEFAULT-VALUE}")
    Path work;

    @Option(names = "--shape", defaultValue = "B", description = "A, B, tinyA, tinyB; default ${DEFAULT-VALUE}")
    String shapeName;

    @Option(names = "--compare-tokens", defaultValue = "32",
            description = "greedy positions compared with the CPU; default ${DEFAULT-VALUE}")
    int compareTokens;

    @Option(names = "--prompt", defaultValue = "512", description = "prefill length timed; default ${DEFAULT-VALUE}")
    int promptTokens;

    @Option(names = "--decode", defaultValue = "128", description = "tokens decoded per timed run; default"
            + " ${DEFAULT-VALUE}")
    int decodeTokens;

    @Option(names = "--runs", defaultValue = "3", description = "timed runs (median); default ${DEFAULT-VALUE}")
    int runs;

    @Option(names = "--threads", defaultValue = "0",
            description = "CPU threads of the reference run; 0 = one per physical core")
    int threads;

    @Option(names = "--gpu-name", paramLabel = "NAME", defaultValue = "",
            description = "the GPU's name as nvidia-smi prints it (picks its specified bandwidth)")
    String gpuName;

    @Option(names = "--bandwidth-gbs", paramLabel = "GB/s", defaultValue = "0",
            description = "memory bandwidth bound; 0 = the specified figure for --gpu-name, if known")
    double bandwidthGbs;

    @Option(names = "--dry-run-cpu", description = "run the device side on the CPU: checks the logic, no GPU needed")
    boolean dryRunCpu;

    PrintStream log = System.err;
    PrintStream out = System.out;

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
        System.exit(new CommandLine(new GpuCheck()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        ModelShape shape = ModelShape.named(shapeName);
        ExecutionProvider device = dryRunCpu ? ExecutionProvider.CPU : ExecutionProvider.CUDA;
        log.println("gpu-check: " + shape.describe() + "; device side on " + device
                + (dryRunCpu ? " (dry run)" : " (" + gpuName + ")"));
        Path export = fp16Export(shape);
        int[] prompt = new SplittableRandom(7).ints(16, 3, shape.vocab()).toArray();
        GreedyAgreement agreement;
        Speed speed;
        try {
            Reference reference = Reference.run(export, ExecutionProvider.CPU, threads, prompt, compareTokens);
            log.println("  CPU reference: " + compareTokens + " greedy tokens");
            agreement = compare(export, device, prompt, reference);
            log.println("  " + device + " vs CPU: " + agreement.describe());
            speed = OrtRunner.measure(export, false, threads, true, promptTokens, decodeTokens, runs, device);
            log.println("  " + device + " " + speed.runs());
        } catch (EngineException | IllegalArgumentException e) {
            log.println("gpu-check: " + e.getMessage());
            return 2;
        }
        long weightBytes = 2 * shape.matmulParameters(); // fp16: what one decoded token reads
        long kvCopyBytes = kvBytesPerStepCopied(shape, Math.max(promptTokens, decodeTokens) + 16);
        OptionalDouble bound = bandwidthGbs > 0 ? OptionalDouble.of(bandwidthGbs) : GpuBandwidth.ofName(gpuName);
        double share = bound.isPresent() ? speed.decode() * weightBytes / (bound.getAsDouble() * 1e9) : Double.NaN;
        log.printf(Locale.ROOT, "  prefill %.1f tok/s, decode %.1f tok/s; %.0f MB of weights per token, %.1f MB of"
                + " KV copied host<->device per step%s%n", speed.prefill(), speed.decode(), weightBytes / 1e6,
                kvCopyBytes / 1e6, bound.isPresent() ? String.format(Locale.ROOT, "; decode at %.1f%% of %.0f GB/s",
                        100 * share, bound.getAsDouble()) : "; bandwidth unknown (pass --bandwidth-gbs)");
        out.println(json(shape, device, agreement, speed, weightBytes, kvCopyBytes, bound, share));
        return agreement.agrees() ? 0 : 1;
    }

    private Path fp16Export(ModelShape shape) throws IOException {
        Path hf = RandomCheckpoint.ensure(shape, work.resolve(shape.name()).resolve("hf"), null, 42);
        return BenchExport.ensure(hf, work.resolve(shape.name()).resolve("fp16"), Precision.fp16,
                Int4Quantizer.DEFAULT_BLOCK_SIZE, false, log);
    }

    /** The device fed the reference's tokens: prefill of the prompt, then one decode step per reference token. */
    private GreedyAgreement compare(Path export, ExecutionProvider device, int[] prompt, Reference reference) {
        GreedyAgreement agreement = new GreedyAgreement();
        try (OnnxModel model = OnnxModel.load(export, options(device, threads, prompt.length + reference.length()));
             DecoderSession session = model.newSession()) {
            agreement.add(reference.logits(0), session.prefill(prompt));
            for (int i = 1; i < reference.length(); i++) {
                agreement.add(reference.logits(i), session.decode(reference.token(i - 1)));
            }
        }
        return agreement;
    }

    static EngineOptions options(ExecutionProvider provider, int threads, int positions) {
        return EngineOptions.defaults().withExecutionProvider(provider).withIntraOpThreads(threads)
                .withMaxContextLength(positions + 16).withPrefixCacheBytes(0);
    }

    /**
     * Bytes the KV cache moves per step while it lives in host memory (README, CUDA path): the whole cache of the
     * run's capacity goes in as {@code past_*} and comes back as {@code present_*}, keys and values, every layer.
     */
    static long kvBytesPerStepCopied(ModelShape shape, int capacity) {
        return 2L * 2 * shape.layers() * shape.kvHeads() * capacity * shape.headDim() * 2; // in+out, K+V, fp16
    }

    private String json(ModelShape shape, ExecutionProvider device, GreedyAgreement a, Speed speed, long weightBytes,
                        long kvCopyBytes, OptionalDouble bound, double share) {
        return String.format(Locale.ROOT, "{\"shape\":\"%s\",\"device\":\"%s\",\"gpu\":\"%s\",\"dry_run_cpu\":%b,"
                        + "\"greedy\":{\"positions\":%d,\"exact\":%d,\"near_ties\":%d,\"max_abs_logit_diff\":%.5f,"
                        + "\"agrees\":%b},\"prefill_tok_s\":%.1f,\"decode_tok_s\":%.1f,\"weight_bytes_per_token\":%d,"
                        + "\"kv_bytes_copied_per_step\":%d,\"bandwidth_gbs\":%s,\"decode_share_of_bound\":%s}",
                shape.name(), device, gpuName.replace("\"", "'"), dryRunCpu, a.positions(), a.exact(),
                a.nearTies(), a.maxAbsDifference(), a.agrees(), speed.prefill(), speed.decode(), weightBytes,
                kvCopyBytes, bound.isPresent() ? String.format(Locale.ROOT, "%.0f", bound.getAsDouble()) : "null",
                Double.isNaN(share) ? "null" : String.format(Locale.ROOT, "%.4f", share));
    }

    /** Greedy tokens and the logits each was chosen from, on one provider. */
    record Reference(int[] tokens, float[][] logitsRows) {

        private static final TokenSelector GREEDY = TokenSelector.greedy();

        static Reference run(Path export, ExecutionProvider provider, int threads, int[] prompt, int n) {
            int[] tokens = new int[n];
            float[][] rows = new float[n][];
            try (OnnxModel model = OnnxModel.load(export, options(provider, threads, prompt.length + n));
                 DecoderSession session = model.newSession()) {
                rows[0] = session.prefill(prompt);
                tokens[0] = GREEDY.select(rows[0]);
                for (int i = 1; i < n; i++) {
                    rows[i] = session.decode(tokens[i - 1]);
                    tokens[i] = GREEDY.select(rows[i]);
                }
            }
            return new Reference(tokens, rows);
        }

        int length() {
            return tokens.length;
        }

        int token(int i) {
            return tokens[i];
        }

        float[] logits(int i) {
            return logitsRows[i];
        }
    }
}
