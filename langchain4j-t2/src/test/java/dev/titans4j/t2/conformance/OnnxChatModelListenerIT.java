package dev.titans4j.t2.conformance;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.common.AbstractChatModelListenerIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.titans4j.t2.engine.PromptTooLongException;
import java.util.List;

/**
 * LangChain4j's listener conformance suite for {@code OnnxChatModel}. The "failing model" is one whose context is
 * capped at 4 tokens, so the suite's message fails with {@link PromptTooLongException} before the model runs.
 */
class OnnxChatModelListenerIT extends AbstractChatModelListenerIT {

    @Override
    protected ChatModel createModel(ChatModelListener listener) {
        return ConformanceModels.chatModel()
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
    protected ChatModel createFailingModel(ChatModelListener listener) {
        return FailingModels.chatModel(listener);
    }

    @Override
    protected Class<? extends Exception> expectedExceptionClass() {
        return PromptTooLongException.class;
    }

    @Override
    protected boolean supportsTools() {
        return true;
    }
}
