package dev.titans4j.t2.conformance;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.common.AbstractAiServiceWithToolsIT;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's AiServices-with-tools suite on {@code OnnxChatModel}. On stories260K (which never chooses to call a
 * tool) each test runs its AiService round trip and only its assertions about the model's tool use or answer are
 * skipped ({@link AnswersNeedInstructModel}); with {@code -Dtitans4j.it.model=DIR} they all count.
 */
@ExtendWith(AnswersNeedInstructModel.class)
class OnnxAiServiceWithToolsIT extends AbstractAiServiceWithToolsIT {

    /** A 1x1 PNG instead of the suite's download: builds have no network. */
    private static final String PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    @Override
    protected List<ChatModel> models() {
        return List.of(ConformanceModels.chatModel().build());
    }

    @Override
    protected Image catImage() {
        return Image.builder().base64Data(PIXEL).mimeType("image/png").build();
    }
}
