package dev.titans4j.t2.conformance;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs the AiServices tests named here, on stories260K only, with a model whose default tool choice is
 * {@link ToolChoice#REQUIRED} instead of the suite's: each asserts what must happen once the model has called a tool
 * (and nothing about which call it made), but a base model never chooses to call one by itself. A forced call is
 * still a real, constrained call that AiServices parse and execute; the test body is LangChain4j's, unchanged.
 * Tests where a forced call would be called again on every later turn (a loop) cannot be run this way; they are in
 * {@link SkippedOnBaseModel}.
 */
public final class ToolCallForced implements InvocationInterceptor {

    /** Test name to why the forced call keeps the test meaningful. */
    static final Map<String, String> TESTS = Map.of(
            "should_fail_when_tool_returns_image_and_provider_does_not_support_it",
            "the image that takePhoto returns must be refused by the provider on the next request",
            "should_throw_using_immediate_tool_on_service_not_returning_Result",
            "an immediate tool on a service returning String must make AiServices throw");

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> call, ExtensionContext context) throws Throwable {
        Method test = call.getExecutable();
        if (ConformanceModels.realModelConfigured() || !TESTS.containsKey(test.getName())) {
            invocation.proceed();
            return;
        }
        List<Object> arguments = call.getArguments();
        if (arguments.size() != 1 || !(arguments.get(0) instanceof ChatModel)) {
            throw new IllegalStateException(test.getName() + " no longer takes one ChatModel: review "
                    + ToolCallForced.class.getSimpleName());
        }
        // JUnit offers no way to replace an argument, so the test is run here with the other model
        invocation.skip();
        ChatModel forced = ConformanceModels.chatModelWith(
                ChatRequestParameters.builder().toolChoice(ToolChoice.REQUIRED).build());
        test.setAccessible(true); // the suite declares some tests package-private
        try {
            test.invoke(call.getTarget().orElseThrow(), forced);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
