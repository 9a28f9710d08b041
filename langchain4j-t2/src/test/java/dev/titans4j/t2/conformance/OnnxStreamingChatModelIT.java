package dev.titans4j.t2.conformance;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.common.AbstractStreamingChatModelIT;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.titans4j.t2.OnnxChatRequestParameters;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LangChain4j's conformance suite for {@link StreamingChatModel}s, run against
 * {@code OnnxStreamingChatModel}.
 *
 * <p>By default it uses stories260K, a base model: the tests that assert an instruct model's answers are
 * listed, by name and with their reasons, in {@link SkippedOnBaseModel}. Set the system property {@code titans4j.it.model} to an exported
 * instruction-tuned model folder to run them all:
 * {@code mvn -pl langchain4j-t2 test -Dtest=OnnxStreamingChatModelIT -Dtitans4j.it.model=DIR}.
 * Images are not supported, which the suite checks.
 */
@ExtendWith(SkippedOnBaseModel.class)
class OnnxStreamingChatModelIT extends AbstractStreamingChatModelIT {

    @Override
    protected List<StreamingChatModel> models() {
        return List.of(ConformanceModels.streamingChatModel().build());
    }

    @Override
    protected StreamingChatModel createModelWith(ChatRequestParameters parameters) {
        return ConformanceModels.streamingChatModelWith(parameters);
    }

    @Override
    public StreamingChatModel createModelWith(ChatModelListener listener) {
        return ConformanceModels.streamingChatModelWith(listener);
    }

    @Override
    protected boolean supportsStreamingCancellation() {
        return true;
    }

    @Override
    protected ChatRequestParameters createIntegrationSpecificParameters(int maxOutputTokens) {
        return OnnxChatRequestParameters.builder().maxOutputTokens(maxOutputTokens).build();
    }

    @Override
    protected boolean supportsModelNameParameter() {
        return false; // one loaded model per instance; another name is rejected
    }

    @Override
    protected boolean supportsTools() {
        return true;
    }

    @Override
    protected boolean supportsToolChoiceRequired() {
        return true;
    }

    @Override
    protected boolean supportsJsonResponseFormat() {
        return true;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithSchema() {
        return true;
    }

    @Override
    protected boolean supportsJsonResponseFormatWithRawSchema() {
        return false; // JsonRawSchema is not compiled into a grammar
    }

    @Override
    protected boolean supportsToolsAndJsonResponseFormatWithSchema() {
        return true; // the answer is one tool call or the JSON (constrained either way)
    }

    @Override
    protected boolean supportsSingleImageInputAsBase64EncodedString() {
        return false;
    }

    @Override
    protected boolean supportsMultipleImageInputsAsBase64EncodedStrings() {
        return false;
    }

    @Override
    protected boolean supportsSingleImageInputAsPublicURL() {
        return false;
    }

    @Override
    protected boolean supportsMultipleImageInputsAsPublicURLs() {
        return false;
    }
}
