package dev.titans4j.t2.conformance;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.common.LastChatExchange;
import dev.langchain4j.service.output.OutputParsingException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Runs suite tests whose final assertions check an instruction-tuned model's answer ("Berlin", a call of
 * {@code getWeather} with {@code Munich}, a person named "Klaus") all the way on stories260K, so that their mechanics
 * run: the request reaches the model, tools are offered, decoding is constrained, the output is parsed into tool
 * calls or deserialised into the POJO, AiServices execute the tools. Only a failed <em>assertion</em>
 * ({@link AssertionError}, including Mockito's verification errors) is turned into an aborted (skipped) test whose
 * message says why (also AiServices' failure to map schema-valid JSON to a Java value, see
 * {@link #isAboutTheAnswer}); any other exception (a malformed tool call, JSON that does not parse, a crash) still
 * fails.
 * With {@value ConformanceModels#MODEL_PROPERTY} set to an instruct model nothing is turned into a skip.
 *
 * <p>{@link ToolAndJson} limits this to tests named after tools or JSON (for the chat-model suites, whose other tests
 * assert mechanics only).
 */
public class AnswersNeedInstructModel implements TestExecutionExceptionHandler {

    /** Only tests whose names mention tools, JSON or schemas. */
    public static final class ToolAndJson extends AnswersNeedInstructModel {
        @Override
        boolean applies(Method test) {
            String name = test.getName().toLowerCase(Locale.ROOT);
            return name.contains("tool") || name.contains("json") || name.contains("schema");
        }
    }

    boolean applies(Method test) {
        return true;
    }

    /**
     * Registered on the subclass, this handler runs before LangChain4j's own {@link LastChatExchange}, which
     * re-throws whatever it gets as an {@link AssertionError} carrying the last request and response when it has
     * recorded one; the record is cleared so that the skip stays a skip.
     */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        Method test = context.getRequiredTestMethod();
        if (ConformanceModels.realModelConfigured() || !applies(test) || !isAboutTheAnswer(test, thrown)) {
            throw thrown;
        }
        LastChatExchange.recordRequest(null);
        LastChatExchange.recordResponse(null);
        throw new TestAbortedException(test.getName() + " ran on stories260K (a base model) without errors; its "
                + "answer assertion needs an instruct model (-D" + ConformanceModels.MODEL_PROPERTY + "=DIR): "
                + firstLine(thrown.getMessage()), thrown);
    }

    /**
     * An assertion failure; or AiServices failing to turn <em>valid JSON</em> into the Java type because of values a
     * JSON schema cannot express (a UUID string, a month of -5: the POJO schemas have no formats or ranges); or a
     * test indexing into a list the model left empty.
     */
    private static boolean isAboutTheAnswer(Method test, Throwable thrown) {
        if (thrown instanceof AssertionError) {
            return true;
        }
        if (thrown instanceof OutputParsingException) {
            Matcher m = BASE64.matcher(String.valueOf(thrown.getMessage()));
            if (m.find()) {
                try {
                    JSON.readTree(Base64.getDecoder().decode(m.group(1)));
                    return true; // syntactically valid: the values are the problem
                } catch (IOException | IllegalArgumentException notJson) {
                    return false;
                }
            }
            return false;
        }
        return thrown instanceof IndexOutOfBoundsException && EMPTY_LIST_TESTS.contains(test.getName());
    }

    private static final Set<String> EMPTY_LIST_TESTS = Set.of("should_extract_list_of_pojo",
            "should_return_result_with_list_of_pojo", "should_extract_set_of_pojo");
    private static final Pattern BASE64 = Pattern.compile("\\(base64: \"([A-Za-z0-9+/=]*)\"\\)");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String m = message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, Math.min(nl, 300));
    }
}
