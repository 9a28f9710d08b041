package dev.titans4j.t2.conformance;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.OnnxStreamingChatModel;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.engine.EngineOptions;
import java.util.List;

/** Models that fail every realistic request: their context is capped at 4 tokens. */
final class FailingModels {

    private static OnnxChatEngine tinyContext;

    private FailingModels() {
    }

    private static synchronized OnnxChatEngine tinyContextEngine() {
        if (tinyContext == null) {
            tinyContext = OnnxChatEngine.load(TestModels.stories260K(),
                    EngineOptions.defaults().withIntraOpThreads(1).withMaxContextLength(4));
        }
        return tinyContext;
    }

    static OnnxChatModel chatModel(ChatModelListener listener) {
        return OnnxChatModel.builder().engine(tinyContextEngine()).listeners(List.of(listener)).build();
    }

    static OnnxStreamingChatModel streamingChatModel(ChatModelListener listener) {
        return OnnxStreamingChatModel.builder().engine(tinyContextEngine()).listeners(List.of(listener)).build();
    }
}
