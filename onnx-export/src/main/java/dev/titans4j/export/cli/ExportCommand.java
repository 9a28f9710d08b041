package dev.titans4j.export.cli;

import dev.titans4j.export.ExportOptions;
import dev.titans4j.export.ExportResult;
import dev.titans4j.export.IoProblems;
import dev.titans4j.export.OnnxExporter;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import dev.titans4j.export.onnx.SvfForm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code export}: Hugging Face checkpoint folder → titans4j ONNX model folder. Exit codes: 0 success, 1 bad input
 * or output location (one-line message on stderr), 2 usage error. Usable standalone ({@link ExportCli}) or as a
 * sub-command of the {@code titans4j} tool.
 */
@Command(name = "export", mixinStandardHelpOptions = true, version = "titans4j export " + OnnxExporter.VERSION,
        sortOptions = false,
        description = {"Converts a Hugging Face checkpoint (Llama, Mistral, Qwen2, Qwen3, SmolLM3, Phi-3/Phi-4-mini, "
                + "Gemma 3 text) into an ONNX model folder for titans4j: model.onnx (+ model.onnx.data), model-plain.onnx (the same graph without the "
                + "Transformer² hook, for requests that mix no experts), tokenizer files, svf.safetensors and "
                + "manifest.json."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:export written", "1:bad input or output folder (message on stderr)",
                "2:invalid command-line usage"})
public final class ExportCommand implements Callable<Integer> {

    public static final int EXIT_BAD_INPUT = 1;

    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "HF_DIR",
            description = "Hugging Face model folder (config.json, *.safetensors, tokenizer files)")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT_DIR",
            description = "folder to write; must be empty or absent unless --force")
    Path output;

    @Option(names = {"-p", "--precision"}, paramLabel = "fp32|int4|fp16", defaultValue = "fp32",
            description = "weight precision: fp32 (CPU), int4 (weight-only MatMulNBits, CPU), fp16 (CUDA); "
                    + "default ${DEFAULT-VALUE}")
    Precision precision;

    @Option(names = "--int4-block-size", paramLabel = "N",
            description = "values per int4 quantisation block with --precision int4: 16, 32, 64, 128 or 256; "
                    + "larger decodes faster, smaller is more accurate; default 32")
    Integer int4BlockSize;

    @Option(names = "--no-svf", description = "leave out the Transformer² singular-value inputs of the MLP")
    boolean noSvf;

    @Option(names = "--svf-form", paramLabel = "factorised|residual", defaultValue = "factorised",
            converter = SvfFormConverter.class,
            description = "how the graph applies SVF multipliers; default ${DEFAULT-VALUE}")
    SvfForm svfForm;

    @Option(names = "--no-plain-companion",
            description = "with the Transformer² hook on, do not also write model-plain.onnx (the graph without the "
                    + "hook, used for requests that mix no experts; about the size of a --no-svf export)")
    boolean noPlainCompanion;

    @Option(names = "--external-data",
            description = "store weights in model.onnx.data (automatic above 1.8 GB)")
    boolean externalData;

    @Option(names = "--force", description = "write into a non-empty output folder")
    boolean force;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ExportOptions options = options();
        ProgressBar bar = new ProgressBar(err, !quiet);
        try {
            ExportResult result = OnnxExporter.builder().options(options).progress(bar).build().export(input, output);
            bar.finish();
            printSummary(out, result);
            return CommandLine.ExitCode.OK;
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            bar.finish();
            err.println("error: " + (e instanceof IllegalArgumentException ? IoProblems.oneLine(e.getMessage())
                    : IoProblems.describe(e)));
            err.flush();
            return EXIT_BAD_INPUT;
        }
    }

    /** The options; a bad option combination is a usage error (exit 2), like any other bad option. */
    private ExportOptions options() {
        ExportOptions.Builder b = ExportOptions.builder().precision(precision).svf(!noSvf).svfForm(svfForm)
                .externalData(externalData).force(force);
        if (noPlainCompanion) {
            try {
                b.plainCompanion(false).build();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--no-plain-companion: "
                        + e.getMessage());
            }
        }
        try {
            if (int4BlockSize != null) {
                b.int4BlockSize(int4BlockSize);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--int4-block-size: " + e.getMessage());
        }
    }

    static void printSummary(PrintWriter out, ExportResult r) {
        ModelManifest m = r.manifest();
        out.printf(Locale.ROOT, "Exported %s (%s parameters, %d layers) to %s in %.1f s%n", m.architecture(),
                ProgressBar.count(r.parameters()), m.dimensions().numLayers(), r.outputDir(),
                r.duration().toMillis() / 1000.0);
        out.printf(Locale.ROOT, "  precision %s, chat format %s, context %d, Transformer² hook: %s%n",
                precision(m), m.chatFormat(), m.dimensions().contextLength(),
                m.svf().enabled() ? m.svf().matrices().size() + " matrices (" + m.svf().form() + ")" : "off");
        for (Map.Entry<String, Long> f : r.fileSizes().entrySet()) {
            out.printf(Locale.ROOT, "  %-26s %10s%n", f.getKey(), ProgressBar.bytes(f.getValue()));
        }
        out.printf(Locale.ROOT, "  %-26s %10s%n", "total", ProgressBar.bytes(r.totalBytes()));
        out.flush();
    }

    private static String precision(ModelManifest m) {
        return m.int4BlockSize() == null ? m.precision().name() : m.precision() + " (block " + m.int4BlockSize() + ")";
    }

    /** Accepts the manifest ids ("factorised", "residual"), case-insensitively. */
    static final class SvfFormConverter implements CommandLine.ITypeConverter<SvfForm> {
        @Override
        public SvfForm convert(String value) {
            for (SvfForm f : SvfForm.values()) {
                if (f.id().equalsIgnoreCase(value) || f.name().equalsIgnoreCase(value)) {
                    return f;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not an SVF form (factorised, residual)");
        }
    }

    /** A command line configured as this tool expects (case-insensitive precision names). */
    public static CommandLine commandLine() {
        return new CommandLine(new ExportCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }
}
