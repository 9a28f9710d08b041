package dev.titans4j.cli;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.engine.EngineException;
import dev.titans4j.t2.engine.GenerationRequest;
import dev.titans4j.t2.engine.GenerationResult;
import dev.titans4j.t2.engine.TokenSelector;
import dev.titans4j.t2.generation.SamplingParameters;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code generate}: one completion from an exported model, streamed to stdout as it is generated. By default the
 * prompt is a user message in the model's chat format; {@code --raw} feeds the text as it is (BOS as the tokenizer
 * config says), as for base models. {@code --ids} prints the generated token ids instead of text.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generates a completion with an exported model (see 'export') and streams it to stdout.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:generated", "1:bad model folder, prompt or setting (message on stderr)",
                "2:invalid command-line usage", "3:ONNX Runtime failed while generating"})
public final class GenerateCommand implements Callable<Integer> {

    static final int EXIT_ENGINE_FAILURE = 3;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR",
            description = "model folder written by 'titans4j export'")
    Path model;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "the prompt")
    String prompt;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "256",
            description = "most tokens to generate; default ${DEFAULT-VALUE}")
    int maxTokens;

    @Option(names = "--system", paramLabel = "TEXT", description = "system message (chat format only)")
    String system;

    @Option(names = "--raw", description = "no chat format: the prompt text as is, BOS as the tokenizer config says")
    boolean raw;

    @Option(names = "--ids", description = "print the generated token ids (space separated, one line), not text")
    boolean ids;

    @Mixin
    ThinkingOption thinking;

    @Mixin
    ThreadsOption threads;

    @Mixin
    ExecutionProviderOption executionProvider;

    @Option(names = "--stats", description = "print token counts, speed and stop reason to stderr")
    boolean stats;

    @Mixin
    SamplingOptions sampling;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxTokens < 1) {
            return fail(err, "--max-tokens must be at least 1, got " + maxTokens, CliException.EXIT_CODE);
        }
        if (raw && thinking.enabled() != null) {
            return fail(err, "--thinking needs the chat format; leave out --raw", CliException.EXIT_CODE);
        }
        if (raw && system != null) {
            return fail(err, "--system needs the chat format; leave out --raw", CliException.EXIT_CODE);
        }
        if (system != null && system.isBlank()) {
            return fail(err, CliException.BLANK_SYSTEM, CliException.EXIT_CODE);
        }
        try (OnnxChatEngine engine = ModelFolder.open(model, threads.threads(), executionProvider.provider())) {
            return generate(engine, out, err);
        } catch (CliException | IllegalArgumentException e) { // PromptTooLongException included
            out.flush();
            return fail(err, CliException.oneLine(e), CliException.EXIT_CODE);
        } catch (EngineException e) {
            out.flush();
            return fail(err, CliException.oneLine(e), EXIT_ENGINE_FAILURE);
        }
    }

    private int generate(OnnxChatEngine engine, PrintWriter out, PrintWriter err) {
        SamplingParameters parameters = sampling.resolve(engine.modelDefaults());
        int[] promptIds = raw ? engine.tokenizer().encode(prompt)
                : thinking.enabled() == null ? engine.promptIds(messages())
                : engine.promptIds(messages(), List.of(), thinking.enabled());
        GenerationRequest request = raw
                ? new GenerationRequest(promptIds, maxTokens, endOfSequenceIds(engine), List.of())
                : new GenerationRequest(promptIds, maxTokens, engine.stopTokenIds(), engine.formatTextStops());
        TokenSelector selector = TokenSelector.sampling(parameters, promptIds, engine.model().vocabSize());
        long start = System.nanoTime();
        GenerationResult result;
        if (ids) {
            result = engine.generator().generate(request, printingIds(selector, out), piece -> { }, out::checkError);
        } else {
            result = engine.generator().generate(request, selector, piece -> {
                out.print(piece);
                out.flush();
            }, out::checkError); // stops once nobody reads the output
        }
        out.println();
        out.flush();
        if (stats) {
            double seconds = (System.nanoTime() - start) / 1e9;
            err.printf(Locale.ROOT, "%d prompt tokens, %d generated in %.2f s (%.1f tok/s), stop: %s%n",
                    result.promptTokens(), result.outputTokens(), seconds, result.outputTokens() / seconds,
                    result.stopReason());
            err.flush();
        }
        return CommandLine.ExitCode.OK;
    }

    private List<ChatMessage> messages() {
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(SystemMessage.from(system));
        }
        messages.add(UserMessage.from(prompt));
        return messages;
    }

    /** Raw text ends at the model's EOS only, as Hugging Face's generate does. */
    private static Set<Integer> endOfSequenceIds(OnnxChatEngine engine) {
        List<Integer> eos = engine.model().manifest().tokens().eosTokenIds();
        return eos == null ? Set.of() : Set.copyOf(eos);
    }

    /** Streams each chosen id to {@code out} as soon as it is picked. */
    private static TokenSelector printingIds(TokenSelector selector, PrintWriter out) {
        boolean[] first = {true};
        return logits -> {
            int id = selector.select(logits);
            out.print(first[0] ? Integer.toString(id) : " " + id);
            out.flush();
            first[0] = false;
            return id;
        };
    }

    private static int fail(PrintWriter err, String message, int exitCode) {
        err.println("error: " + message);
        err.flush();
        return exitCode;
    }
}
