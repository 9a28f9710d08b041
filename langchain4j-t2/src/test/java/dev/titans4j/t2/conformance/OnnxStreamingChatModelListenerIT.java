package dev.titans4j.t2.conformance;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.titans4j.t2.engine.PromptTooLongException;
import java.util.List;

/**
 * LangChain4j's listener conformance suite for {@code OnnxStreamingChatModel}. The "failing model" has a context
 * capped at 4 tokens: the suite's message fails on the worker thread with {@link PromptTooLongException}, which
 * reaches {@code onError} and the listeners.
 */
class OnnxStreamingChatModelListenerIT extends AbstractStreamingChatModelListenerIT {

    @Override
    protected StreamingChatModel createModel(ChatModelListener listener) {
        return ConformanceModels.streamingChatModel()
                .temperature(temperature())
                .topP(topP())
                .maxOutputTokens(maxTokens())
                .listeners(List.of(listener))
                .build();
    }

    @Override
    protected String modelName() {
        return ConformanceModels.engine().modelName();
    }

    @Override
    protected StreamingChatModel createFailingModel(ChatModelListener listener) {
        return FailingModels.streamingChatModel(listener);
    }

    @Override
    protected Class<? extends Exception> expectedExceptionClass() {
        return PromptTooLongException.class;
    }

    @Override
    protected boolean supportsTools() {
        return false;
    }
}
