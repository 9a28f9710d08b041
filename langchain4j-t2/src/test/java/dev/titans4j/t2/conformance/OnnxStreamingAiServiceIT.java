package dev.titans4j.t2.conformance;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.common.AbstractStreamingAiServiceIT;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's streaming AI service suite for {@code OnnxStreamingChatModel}. Its question needs an instruct model
 * (set {@code titans4j.it.model}, see {@link ConformanceModels}); its tool tests run on stories260K up to their
 * answer assertions ({@link AnswersNeedInstructModel}).
 */
@ExtendWith({RequiresInstructModel.class, AnswersNeedInstructModel.ToolAndJson.class})
class OnnxStreamingAiServiceIT extends AbstractStreamingAiServiceIT {

    @Override
    protected List<StreamingChatModel> models() {
        return List.of(ConformanceModels.streamingChatModel().build());
    }
}
