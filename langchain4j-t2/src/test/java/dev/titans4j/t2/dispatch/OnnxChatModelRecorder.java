package dev.titans4j.t2.dispatch;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import java.util.List;

/** An ONNX chat model that records the text of every response (through a LangChain4j listener). */
final class OnnxChatModelRecorder {

    private final OnnxChatEngine engine;
    private final List<String> texts;

    OnnxChatModelRecorder(OnnxChatEngine engine, List<String> texts) {
        this.engine = engine;
        this.texts = texts;
    }

    OnnxChatModel model() {
        ChatModelListener listener = new ChatModelListener() {
            @Override
            public void onResponse(ChatModelResponseContext context) {
                texts.add(context.chatResponse().aiMessage().text());
            }
        };
        return OnnxChatModel.builder().engine(engine).listeners(List.of(listener)).build();
    }
}
