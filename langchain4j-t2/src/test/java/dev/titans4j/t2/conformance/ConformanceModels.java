package dev.titans4j.t2.conformance;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.titans4j.t2.OnnxChatEngine;
import dev.titans4j.t2.OnnxChatModel;
import dev.titans4j.t2.OnnxStreamingChatModel;
import dev.titans4j.t2.TestModels;
import dev.titans4j.t2.constrain.ConstraintLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The model the LangChain4j conformance suites run against: stories260K (exported by the test) unless the system
 * property {@value #MODEL_PROPERTY} names an exported instruction-tuned model folder, e.g.
 * {@code mvn -pl langchain4j-t2 test -Dtest='*IT' -Dtitans4j.it.model=/models/SmolLM2-360M-Instruct-onnx}.
 * One engine is loaded per test JVM and shared by every model the suites build.
 */
public final class ConformanceModels {

    public static final String MODEL_PROPERTY = "titans4j.it.model";

    private static OnnxChatEngine engine;

    private ConformanceModels() {
    }

    /** True when {@value #MODEL_PROPERTY} points at a real (instruct) model. */
    public static boolean realModelConfigured() {
        String value = System.getProperty(MODEL_PROPERTY);
        return value != null && !value.isBlank();
    }

    public static synchronized OnnxChatEngine engine() {
        if (engine == null) {
            Path path;
            if (realModelConfigured()) {
                path = Path.of(System.getProperty(MODEL_PROPERTY));
                if (!Files.isDirectory(path)) {
                    throw new IllegalStateException(MODEL_PROPERTY + "=" + path + " is not a folder");
                }
            } else {
                path = TestModels.stories260K();
            }
            engine = OnnxChatEngine.load(path);
        }
        return engine;
    }

    /**
     * Bounds of constrained output that fit stories260K's 512-token context (short strings, few array items);
     * an instruct model gets the provider's defaults.
     */
    static final ConstraintLimits STORIES_LIMITS = ConstraintLimits.builder().maxStringBytes(16).maxArrayItems(3)
            .maxWhitespace(1).maxDepth(16).maxIntegerDigits(6).maxFractionDigits(3).requireAllProperties(true).build();

    static OnnxChatModel.Builder chatModel() {
        OnnxChatModel.Builder b = OnnxChatModel.builder().engine(engine());
        return realModelConfigured() ? b : b.constraintLimits(STORIES_LIMITS);
    }

    static OnnxStreamingChatModel.Builder streamingChatModel() {
        OnnxStreamingChatModel.Builder b = OnnxStreamingChatModel.builder().engine(engine());
        return realModelConfigured() ? b : b.constraintLimits(STORIES_LIMITS);
    }

    static OnnxChatModel chatModelWith(ChatRequestParameters parameters) {
        return chatModel().defaultRequestParameters(parameters).build();
    }

    static OnnxStreamingChatModel streamingChatModelWith(ChatRequestParameters parameters) {
        return streamingChatModel().defaultRequestParameters(parameters).build();
    }

    static OnnxStreamingChatModel streamingChatModelWith(ChatModelListener listener) {
        return streamingChatModel().listeners(List.of(listener)).build();
    }
}
