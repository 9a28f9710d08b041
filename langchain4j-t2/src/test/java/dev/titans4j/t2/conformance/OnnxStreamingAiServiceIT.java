package dev.titans4j.t2.conformance;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.common.AbstractStreamingAiServiceIT;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's streaming AI service suite for {@code OnnxStreamingChatModel}. Its question and its tools need an
 * instruct model (set {@code titans4j.it.model}, see {@link ConformanceModels}): on stories260K they are listed in
 * {@link SkippedOnBaseModel}.
 */
@ExtendWith(SkippedOnBaseModel.class)
class OnnxStreamingAiServiceIT extends AbstractStreamingAiServiceIT {

    @Override
    protected List<StreamingChatModel> models() {
        return List.of(ConformanceModels.streamingChatModel().build());
    }
}
