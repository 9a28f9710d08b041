package dev.titans4j.t2.dispatch;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.svf.ExpertMix;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.SvfMultipliers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Transformer²'s prompt-based dispatch (and, with {@link Builder#classifierExpert}, its classification-expert
 * dispatch): the model reads the request's last user message under a classification prompt and answers a label in
 * {@code \boxed{...}}, greedily, without thinking and with a short output cap. A label with an expert selects it;
 * anything else (including "other" or no answer) selects the base model. Thread-safe.
 */
public final class PromptDispatcher implements Dispatcher {

    /** Sakana's classification prompt, with the labels substituted for {@code {labels}}. */
    public static final String DEFAULT_PROMPT = """
            Analyze the given question and classify it into one of these categories: {labels}. \
            Consider the primary focus, skills, and knowledge required to answer the question. \
            If a question spans multiple categories, choose the most dominant one. \
            Provide your final classification within \\boxed{} notation. Example: \\boxed{{first}}

            Format your response as follows:
            Classification: \\boxed{category}""";

    private final ChatModel model;
    private final Map<String, SvfExpert> experts;
    private final String prompt;
    private final int maxOutputTokens;
    private final SvfMultipliers classifier;
    private final SvfExpert classifierExpert;

    private PromptDispatcher(Builder b) {
        this.model = Objects.requireNonNull(b.model, "chatModel");
        if (b.experts.isEmpty()) {
            throw new IllegalArgumentException("Configure at least one expert label");
        }
        this.experts = Map.copyOf(b.experts);
        if (b.adapter != null) { // a misfit expert would otherwise surface only when its label is first answered
            b.experts.values().forEach(b.adapter::check);
        }
        List<String> labels = List.copyOf(b.experts.keySet());
        String labelText = String.join(", ", labels.stream().map(l -> "'" + l + "'").toList()) + " or 'other'";
        this.prompt = (b.prompt != null ? b.prompt : DEFAULT_PROMPT).replace("{labels}", labelText)
                .replace("{first}", labels.get(0));
        this.maxOutputTokens = b.maxOutputTokens;
        this.classifierExpert = b.classifierExpert;
        if (b.classifierExpert != null) {
            Objects.requireNonNull(b.adapter, "adapter (needed to apply the classifier expert)");
            this.classifier = b.adapter.multipliers(b.classifierExpert);
        } else {
            this.classifier = null;
        }
    }

    @Override
    public Dispatch dispatch(ChatRequest request) {
        String question = lastUserText(request.messages());
        // no reasoning: a thinking model would spend the capped output inside <think> and never answer a label
        OnnxChatRequestParameters.Builder parameters = OnnxChatRequestParameters.builder()
                .temperature(0.0).maxOutputTokens(maxOutputTokens).enableThinking(false);
        if (classifier != null) {
            parameters.svfMultipliers(classifier);
        }
        ChatRequest classification = ChatRequest.builder()
                .messages(SystemMessage.from(prompt), UserMessage.from(question))
                .parameters(parameters.build())
                .build();
        long start = System.nanoTime();
        ChatResponse response = model.chat(classification);
        long millis = (System.nanoTime() - start) / 1_000_000;
        TokenUsage usage = response.tokenUsage();
        DispatchCost cost = new DispatchCost(usage == null ? 0 : orZero(usage.inputTokenCount()),
                usage == null ? 0 : orZero(usage.outputTokenCount()), millis);
        String label = BoxedAnswer.parse(response.aiMessage().text()).orElse("other");
        SvfExpert expert = experts.get(label);
        return new Dispatch(expert == null ? ExpertMix.base() : ExpertMix.of(expert), expert == null ? "other" : label,
                cost);
    }

    /** The classification prompt with the configured labels in it. */
    public String prompt() {
        return prompt;
    }

    public SvfExpert classifierExpert() {
        return classifierExpert;
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    /** The last user message's text parts, joined by newlines as the provider reads them. */
    private static String lastUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user) {
                String text = user.contents().stream().filter(TextContent.class::isInstance)
                        .map(c -> ((TextContent) c).text()).collect(java.util.stream.Collectors.joining("\n"));
                if (text.isEmpty()) {
                    throw new IllegalArgumentException("The request's last user message has no text to classify");
                }
                return text;
            }
        }
        throw new IllegalArgumentException("The request has no user message to classify");
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {

        private ChatModel model;
        private SvfAdapter adapter;
        private final Map<String, SvfExpert> experts = new LinkedHashMap<>();
        private String prompt;
        private int maxOutputTokens = 16;
        private SvfExpert classifierExpert;

        /** The model that classifies (the ONNX provider of the same engine, or any ChatModel for prompt-only). */
        public Builder chatModel(ChatModel model) {
            this.model = model;
            return this;
        }

        /** Needed with a classifier expert: turns it into multipliers. When set, build() checks every expert. */
        public Builder adapter(SvfAdapter adapter) {
            this.adapter = adapter;
            return this;
        }

        /** A label the classifier may answer and the expert it selects (labels are matched lower-case). */
        public Builder expert(String label, SvfExpert expert) {
            experts.put(label.toLowerCase(java.util.Locale.ROOT), Objects.requireNonNull(expert, "expert"));
            return this;
        }

        /** A custom prompt; {@code {labels}} is replaced by the label list, {@code {first}} by the first label. */
        public Builder classificationPrompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        /** The first pass's output cap (default 16 tokens). */
        public Builder maxOutputTokens(int maxOutputTokens) {
            if (maxOutputTokens < 1) {
                throw new IllegalArgumentException("maxOutputTokens must be at least 1");
            }
            this.maxOutputTokens = maxOutputTokens;
            return this;
        }

        /** Classifies with this expert applied (Transformer²'s classification-expert dispatch). */
        public Builder classifierExpert(SvfExpert classifierExpert) {
            this.classifierExpert = classifierExpert;
            return this;
        }

        public PromptDispatcher build() {
            return new PromptDispatcher(this);
        }
    }
}
