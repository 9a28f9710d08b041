package dev.titans4j.t2.chat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;

/** Tool-call arguments as templates print them: the JSON object text ({@code {}} when there are none). */
final class ToolArguments {

    private ToolArguments() {
    }

    static String json(ToolExecutionRequest call) {
        String args = call.arguments();
        return args == null || args.isBlank() ? "{}" : args.strip();
    }
}
