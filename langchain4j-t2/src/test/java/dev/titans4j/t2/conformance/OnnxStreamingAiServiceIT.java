package dev.titans4j.t2.conformance;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.common.AbstractStreamingAiServiceIT;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LangChain4j's streaming AI service suite for {@code OnnxStreamingChatModel}. Its question needs an instruct model
 * (set {@code titans4j.it.model}, see {@link ConformanceModels}); its tool tests are disabled because tools are not
 * supported yet.
 */
@ExtendWith(RequiresInstructModel.class)
class OnnxStreamingAiServiceIT extends AbstractStreamingAiServiceIT {

    @Override
    protected List<StreamingChatModel> models() {
        return List.of(ConformanceModels.streamingChatModel().build());
    }

    @Override
    @ParameterizedTest
    @MethodSource("models")
    @Disabled("tools are not supported yet by OnnxStreamingChatModel")
    protected void should_execute_tool_without_arguments(StreamingChatModel model) {
    }

    @Override
    @ParameterizedTest
    @MethodSource("models")
    @Disabled("tools are not supported yet by OnnxStreamingChatModel")
    protected void should_keep_memory_consistent_when_streaming_using_immediate_tool(StreamingChatModel model) {
    }
}
