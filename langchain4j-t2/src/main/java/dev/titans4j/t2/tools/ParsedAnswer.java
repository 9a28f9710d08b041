package dev.titans4j.t2.tools;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import java.util.List;

/**
 * An answer split into its text (null when the answer was only tool calls) and the tool calls, in order.
 */
public record ParsedAnswer(String text, List<ToolExecutionRequest> toolCalls) {

    public ParsedAnswer {
        toolCalls = List.copyOf(toolCalls);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
