package dev.titans4j.it.testing;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real chat model with a record of every request AiServices sent it, so tests can see what reached the model
 * (recalled memory, the output of an earlier service). Everything else is the wrapped model's behaviour.
 */
public final class RecordingChatModel implements ChatModel {

    private final ChatModel model;
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final List<ChatResponse> responses = new CopyOnWriteArrayList<>();

    public RecordingChatModel(ChatModel model) {
        this.model = model;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        requests.add(request);
        ChatResponse response = model.chat(request);
        responses.add(response);
        return response;
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return model.defaultRequestParameters();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return model.supportedCapabilities();
    }

    @Override
    public ModelProvider provider() {
        return model.provider();
    }

    public List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    public List<ChatResponse> responses() {
        return List.copyOf(responses);
    }

    public ChatRequest lastRequest() {
        return requests.get(requests.size() - 1);
    }

    /** All text of the last request's messages, joined by newlines. */
    public String lastPrompt() {
        return PromptText.of(lastRequest().messages());
    }
}
