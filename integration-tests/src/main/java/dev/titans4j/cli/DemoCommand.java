package dev.titans4j.cli;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.titans4j.demo.ContextFit;
import dev.titans4j.demo.DemoMemories;
import dev.titans4j.demo.DemoQuestion;
import dev.titans4j.demo.DemoReport;
import dev.titans4j.demo.DemoScript;
import dev.titans4j.demo.MemoryChat;
import dev.titans4j.demo.ProgressLine;
import dev.titans4j.demo.QuestionOutcome;
import dev.titans4j.demo.RecallContrast;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.store.FileMemoryStateStore;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStoreException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: the Titans memory at work on a long scripted conversation, against a plain window of the same
 * budget; with {@code --model}, the model also answers each question through AiServices using that memory (and a
 * Transformer² dispatcher when there are experts).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Shows TitansChatMemory on a long multi-session conversation: which earlier messages it "
                + "recalls for questions whose answers left the window long ago, next to a plain "
                + "MessageWindowChatMemory of the same budget. Runs offline on the embedded encoder "
                + "(all-MiniLM-L6-v2). With --model, the model also answers each question through AiServices "
                + "using that memory, with a Transformer² dispatcher when the model has experts.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:demo finished", "1:bad option, model folder or conversation file (message on stderr)",
                "2:invalid command-line usage"})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "DIR",
            description = "model folder written by 'titans4j export': the model answers each question")
    Path model;

    @Option(names = "--experts", paramLabel = "FILE", split = ",",
            description = "Transformer² expert files (.safetensors) for the dispatcher; default: DIR/experts/*")
    List<Path> experts = new ArrayList<>();

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "keep the Titans memory in this folder (file store); a second run restores it")
    Path stateDir;

    @Option(names = "--conversation", paramLabel = "FILE",
            description = "your own conversation script (format: see the demo's conversation.txt)")
    Path conversation;

    @Option(names = "--window", paramLabel = "N", defaultValue = "12",
            description = "messages Titans keeps verbatim (short-term window); default ${DEFAULT-VALUE}")
    int window;

    @Option(names = "--recall-tokens", paramLabel = "N", defaultValue = "200",
            description = "tokens of recalled conversation Titans may add; default ${DEFAULT-VALUE}")
    int recallTokens;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "64",
            description = "most tokens per model answer; default ${DEFAULT-VALUE}")
    int maxTokens;

    @Mixin
    ThreadsOption threads;

    @Mixin
    ExecutionProviderOption executionProvider;

    @Option(names = "--quiet", description = "no progress bars")
    boolean quiet;

    private final PrintStream progressStream;

    public DemoCommand() {
        this(System.err);
    }

    /** Progress bars go to {@code progressStream} (stderr from the command line). */
    DemoCommand(PrintStream progressStream) {
        this.progressStream = progressStream;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (maxTokens < 1) {
                throw new CliException("--max-tokens must be at least 1, got " + maxTokens);
            }
            DemoScript script = conversation == null ? DemoScript.loadDefault() : DemoScript.load(conversation);
            if (model != null) {
                ModelFolder.check(model); // fail before the slow part
            }
            List<SvfExpert> expertList = model == null ? List.of() : ExpertFiles.read(model, experts);
            if (model == null && !experts.isEmpty()) {
                throw new CliException("--experts needs --model");
            }
            try (OnnxChatEngine engine = model == null ? null : ProgressLine.timed(progressStream, !quiet,
                    "loading the model " + model, () -> ModelFolder.open(model, threads.threads(), executionProvider.provider()))) {
                if (engine != null) {
                    fitToContext(script, engine, err);
                }
                EmbeddingModel encoder = loadEncoder();
                DemoMemories memories = new DemoMemories(script, encoder, store(), window, recallTokens,
                        engine == null ? null : engine.tokenCountEstimator());
                // the experts are checked against the model before the slow part
                MemoryChat chat = engine == null ? null
                        : new MemoryChat(engine, memories.titansProvider(), expertList, maxTokens);
                showRecall(script, memories, out);
                if (chat != null) {
                    chat(script, chat, engine.modelName(), expertList.size(), out);
                }
            }
            return CommandLine.ExitCode.OK;
        } catch (CliException | IllegalArgumentException | UncheckedIOException | IllegalStateException e) {
            err.println("error: " + CliException.oneLine(e));
            err.flush();
            return CliException.EXIT_CODE;
        } catch (CorruptStateException e) { // only a --state-dir can hold damaged state
            err.println("error: --state-dir: " + CliException.oneLine(e) + "; start over with an empty --state-dir");
            err.flush();
            return CliException.EXIT_CODE;
        } catch (MemoryStateStoreException e) { // e.g. a full disk: the state may be intact, so no advice to drop it
            err.println("error: --state-dir: " + CliException.oneLine(e));
            err.flush();
            return CliException.EXIT_CODE;
        }
    }

    private void showRecall(DemoScript script, DemoMemories memories, PrintWriter out) {
        boolean restored = memories.titansRestored(script); // before any output: it may refuse the state
        DemoReport report = new DemoReport(out, script);
        report.header(memories, "all-MiniLM-L6-v2");
        ProgressLine ingest = progress("writing the conversation", "messages", script.messages().size());
        memories.ingest(script, !restored, ingest);
        report.ingested(ingest.seconds(), script.messages().size(), restored, String.valueOf(stateDir));
        report.memoryState(memories.titans().archivedSegments(), memories.titans().neuralStateBytes());
        List<QuestionOutcome> outcomes = RecallContrast.run(script, memories);
        for (int i = 0; i < outcomes.size(); i++) {
            report.question(i + 1, outcomes.get(i));
        }
        report.score(outcomes);
    }

    private void chat(DemoScript script, MemoryChat chat, String modelName, int experts, PrintWriter out) {
        out.println();
        out.printf("Asking %s with this memory through AiServices%s:%n", modelName, experts == 0 ? ""
                : " and a Transformer² dispatcher over " + experts + " expert(s)");
        out.println();
        out.flush();
        ProgressLine answering = progress("answering", "questions", script.questions().size());
        List<MemoryChat.Answer> answers = new ArrayList<>();
        for (DemoQuestion q : script.questions()) {
            answers.add(chat.ask(DemoMemories.MEMORY_ID, q.question()));
            answering.advance();
        }
        answering.finish();
        for (int i = 0; i < answers.size(); i++) {
            MemoryChat.print(out, i + 1, script, script.questions().get(i), answers.get(i));
        }
        long failed = answers.stream().filter(a -> a.error() != null).count();
        out.printf("%d/%d questions answered by the model%s.%n", answers.size() - failed, answers.size(),
                failed == 0 ? "" : " (" + failed + " failed, see above)");
        out.flush();
    }

    /** Shrinks the window and recall budget the user did not set so that each question fits the model. */
    private void fitToContext(DemoScript script, OnnxChatEngine engine, PrintWriter err) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed.hasMatchedOption("--window") || parsed.hasMatchedOption("--recall-tokens")) {
            return;
        }
        int context = engine.model().contextLength();
        ContextFit fit = ContextFit.of(script, engine.tokenCountEstimator(), context, maxTokens, window, recallTokens);
        if (fit.shrunk()) {
            window = fit.windowMessages();
            recallTokens = fit.recallTokens();
            err.printf("note: sized for the model's %d-token context: --window %d --recall-tokens %d%n", context,
                    window, recallTokens);
            err.flush();
        }
    }

    private EmbeddingModel loadEncoder() {
        return ProgressLine.timed(progressStream, !quiet, "loading the encoder (all-MiniLM-L6-v2, in-process)",
                AllMiniLmL6V2EmbeddingModel::new);
    }

    private MemoryStateStore store() {
        try {
            return stateDir == null ? new InMemoryMemoryStateStore() : new FileMemoryStateStore(stateDir);
        } catch (MemoryStateStoreException e) {
            throw new CliException("--state-dir: " + CliException.oneLine(e));
        }
    }

    private ProgressLine progress(String label, String unit, int total) {
        return new ProgressLine(progressStream, !quiet, label, unit, total);
    }
}
