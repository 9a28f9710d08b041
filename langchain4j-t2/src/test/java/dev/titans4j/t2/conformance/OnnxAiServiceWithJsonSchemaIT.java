package dev.titans4j.t2.conformance;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.common.AbstractAiServiceWithJsonSchemaIT;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's AiServices structured-output suite on {@code OnnxChatModel}, which declares
 * {@code RESPONSE_FORMAT_JSON_SCHEMA}: AiServices send the POJO's JSON schema and constrained decoding makes the
 * answer valid for it, so deserialisation works even on stories260K; the tests whose assertions on extracted values
 * ("Klaus", 37) need an instruct model are listed, by name, in {@link SkippedOnBaseModel}.
 */
@ExtendWith(SkippedOnBaseModel.class)
class OnnxAiServiceWithJsonSchemaIT extends AbstractAiServiceWithJsonSchemaIT {

    @Override
    protected List<ChatModel> models() {
        return List.of(ConformanceModels.chatModel().build());
    }
}
