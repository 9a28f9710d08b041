package dev.titans4j.demo;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.UserMessage;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.dispatch.PromptDispatcher;
import dev.titans4j.t2.dispatch.T2ChatModel;
import dev.titans4j.t2.dispatch.T2ResponseMetadata;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.titans.chat.TitansChatMemoryProvider;
import dev.titans4j.titans.chat.TitansContentRetriever;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The model answering with the Titans memory, wired as {@code TitansChatMemory}'s javadoc recommends: AiServices
 * with the memory provider (short-term window) and {@link TitansContentRetriever} (recall keyed on the current
 * question). With experts, a {@link T2ChatModel} with prompt-based dispatch answers instead of the plain model.
 */
public final class MemoryChat {

    /** The AI service the demo talks to. */
    interface Assistant {
        Result<String> answer(@MemoryId Object memoryId, @UserMessage String question);
    }

    /**
     * One answer.
     *
     * @param text      the model's answer ({@code null} when it failed)
     * @param recalled  sequence numbers of the recalled messages the retriever put into the prompt
     * @param dispatch  Transformer²'s decision, or {@code null} without experts
     * @param error     why the model could not answer, or {@code null}
     */
    public record Answer(String text, List<Long> recalled, T2ResponseMetadata dispatch, String error) {
    }

    private final Assistant assistant;

    public MemoryChat(OnnxChatEngine engine, TitansChatMemoryProvider memories, List<SvfExpert> experts,
                      int maxTokens) {
        OnnxChatModel onnx = OnnxChatModel.builder().engine(engine).temperature(0.0).maxOutputTokens(maxTokens)
                .build();
        this.assistant = AiServices.builder(Assistant.class)
                .chatModel(experts.isEmpty() ? onnx : transformer2(engine, onnx, experts))
                .chatMemoryProvider(memories)
                .contentRetriever(TitansContentRetriever.from(memories))
                .storeRetrievedContentInChatMemory(false) // recalled text stays out of the memory it came from
                .build();
    }

    private static ChatModel transformer2(OnnxChatEngine engine, OnnxChatModel onnx, List<SvfExpert> experts) {
        SvfAdapter adapter = SvfAdapter.forEngine(engine);
        PromptDispatcher.Builder dispatcher = PromptDispatcher.builder().chatModel(onnx).adapter(adapter);
        experts.forEach(e -> dispatcher.expert(e.name(), adapter.check(e))); // a mismatched expert fails now
        return T2ChatModel.builder().chatModel(onnx).adapter(adapter).dispatcher(dispatcher.build()).build();
    }

    /** Asks one question in the memory {@code memoryId}; a model error becomes an answer with {@code error}. */
    public Answer ask(Object memoryId, String question) {
        try {
            Result<String> result = assistant.answer(memoryId, question);
            List<Long> recalled = result.sources().stream().map(MemoryChat::seq).toList();
            T2ResponseMetadata dispatch = result.finalResponse() != null
                    && result.finalResponse().metadata() instanceof T2ResponseMetadata t2 ? t2 : null;
            return new Answer(result.content(), recalled, dispatch, null);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Answer(null, List.of(), null, message.replace('\n', ' ').strip());
        }
    }

    private static long seq(Content content) {
        Long seq = content.textSegment().metadata().getLong("seq");
        return seq == null ? -1 : seq;
    }

    /** Prints one answer under its question. */
    public static void print(PrintWriter out, int number, DemoScript script, DemoQuestion question, Answer answer) {
        out.printf("[%d/%d] %s%n", number, script.questions().size(), question.question());
        if (answer.error() != null) {
            out.printf("       model failed: %s%n", answer.error());
            out.println();
            return;
        }
        out.printf("       model: %s%n", DemoReport.abbreviate(answer.text().isBlank() ? "(empty answer)"
                : answer.text()));
        long evidence = script.evidence(question).index();
        out.printf("       recalled into the prompt: %d messages, %s%n", answer.recalled().size(),
                answer.recalled().contains(evidence) ? "including the answer's #" + evidence
                        : "not the answer's #" + evidence);
        if (answer.dispatch() != null) {
            T2ResponseMetadata t2 = answer.dispatch();
            out.printf("       Transformer²: '%s' -> %s (pass 1: %d ms, %d tokens)%n", t2.dispatchLabel(),
                    experts(t2.expertWeights()), t2.dispatchCost().millis(),
                    t2.dispatchCost().inputTokens() + t2.dispatchCost().outputTokens());
        }
        out.println();
        out.flush();
    }

    private static String experts(Map<String, Double> weights) {
        if (weights.isEmpty()) {
            return "base weights";
        }
        StringBuilder s = new StringBuilder();
        weights.forEach((name, w) -> s.append(s.length() == 0 ? "" : " + ").append(String.format("%.2f x %s", w,
                name)));
        return s.toString();
    }
}
