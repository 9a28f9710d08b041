package dev.titans4j.cli;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.titans4j.export.IoProblems;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.OnnxStreamingChatModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chat}: an interactive conversation on stdin/stdout in the model's chat format, each answer streamed as it
 * is generated (through {@link OnnxStreamingChatModel}, the LangChain4j API users embed). One line is one user
 * message; {@code /reset} starts over (keeping the system message), {@code /exit} or end of input (Ctrl-D) quits.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Interactive streaming chat with an exported model.",
                "One line per message; /reset forgets the conversation, /exit or Ctrl-D quits."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:conversation ended", "1:bad model folder or setting (message on stderr)",
                "2:invalid command-line usage"})
public final class ChatCommand implements Callable<Integer> {

    static final String EXIT = "/exit";
    static final String RESET = "/reset";
    static final String PROMPT = "> ";
    /** Far beyond any context's worth of text; what is longer is not a message. */
    static final int MAX_LINE_CHARS = 16 * 1024 * 1024;

    private final InputStream input;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR",
            description = "model folder written by 'titans4j export'")
    Path model;

    @Option(names = "--system", paramLabel = "TEXT", description = "system message opening the conversation")
    String system;

    @Option(names = {"-n", "--max-tokens"}, paramLabel = "N", defaultValue = "512",
            description = "most tokens per answer; default ${DEFAULT-VALUE}")
    int maxTokens;

    @Mixin
    ThreadsOption threads;

    @Mixin
    ExecutionProviderOption executionProvider;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    ThinkingOption thinking;

    @Option(names = "--show-thinking",
            description = "thinking models: stream the reasoning to standard error (the answer stays on standard output)")
    boolean showThinking;

    public ChatCommand() {
        this(System.in);
    }

    /** Reads the user's lines from {@code input} (tests pipe a script in). */
    ChatCommand(InputStream input) {
        this.input = input;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxTokens < 1) {
            return fail(err, "--max-tokens must be at least 1, got " + maxTokens);
        }
        if (system != null && system.isBlank()) {
            return fail(err, CliException.BLANK_SYSTEM);
        }
        if (input == System.in && StandardInput.isClosed()) {
            return fail(err, "standard input is closed: chat reads one message per line from it");
        }
        try (OnnxChatEngine engine = ModelFolder.open(model, threads.threads(), executionProvider.provider())) {
            sampling.resolve(engine.modelDefaults()); // out-of-range flags fail now, not on every message
            OnnxStreamingChatModel chatModel = OnnxStreamingChatModel.builder().engine(engine)
                    .defaultRequestParameters(OnnxChatRequestParameters.builder()
                            .overrideWith(sampling.overrides()).maxOutputTokens(maxTokens)
                            .enableThinking(thinking.enabled()).build())
                    .returnThinking(showThinking)
                    .build();
            converse(chatModel, new InputLines(new BufferedReader(new InputStreamReader(input,
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT))), MAX_LINE_CHARS),
                    out, showThinking ? err : null, err);
            return CommandLine.ExitCode.OK;
        } catch (CliException | IllegalArgumentException e) {
            return fail(err, CliException.oneLine(e));
        } catch (IOException e) {
            return fail(err, "could not read standard input: " + IoProblems.describe(e));
        }
    }

    /** {@code reasoning}: where the model's reasoning streams, or null to leave it out. */
    private void converse(OnnxStreamingChatModel chatModel, InputLines lines, PrintWriter out,
                          PrintWriter reasoning, PrintWriter err) throws IOException {
        List<ChatMessage> conversation = new ArrayList<>();
        startOver(conversation);
        while (true) {
            out.print(PROMPT);
            out.flush();
            String line = lines.next();
            if (line == null || line.strip().equals(EXIT)) {
                out.println();
                out.flush();
                return;
            }
            if (line.strip().equals(RESET)) {
                startOver(conversation);
                out.println("(conversation reset)");
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            conversation.add(UserMessage.from(line));
            try {
                conversation.add(answer(chatModel, conversation, out, reasoning));
                if (out.checkError()) {
                    return; // nobody reads the answers any more; the exit code says so
                }
            } catch (RuntimeException e) {
                // e.g. the conversation outgrew the context: say so, forget the message, keep the session
                conversation.remove(conversation.size() - 1);
                err.println("error: " + CliException.oneLine(e) + " (/reset starts over)");
                err.flush();
            }
        }
    }

    /** Streams one answer to {@code out} and returns it, once complete. */
    private static AiMessage answer(OnnxStreamingChatModel chatModel, List<ChatMessage> conversation,
                                    PrintWriter out, PrintWriter reasoning) {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        chatModel.chat(ChatRequest.builder().messages(List.copyOf(conversation)).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String piece) {
                        out.print(piece);
                        out.flush();
                    }

                    @Override
                    public void onPartialThinking(PartialThinking piece) {
                        if (reasoning != null) {
                            reasoning.print(piece.text());
                            reasoning.flush();
                        }
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
        try {
            ChatResponse response = done.get();
            out.println();
            out.flush();
            return response.aiMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the answer", e);
        } catch (ExecutionException e) {
            out.println();
            out.flush();
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void startOver(List<ChatMessage> conversation) {
        conversation.clear();
        if (system != null) {
            conversation.add(SystemMessage.from(system));
        }
    }

    private static int fail(PrintWriter err, String message) {
        err.println("error: " + message);
        err.flush();
        return CliException.EXIT_CODE;
    }
}
