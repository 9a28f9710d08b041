package dev.titans4j.t2.tools;

import dev.langchain4j.exception.LangChain4jException;

/**
 * The model wrote a tool call that cannot be executed: unterminated or invalid JSON, an unknown tool name, or
 * arguments that do not match the tool's parameters. The message names the problem and quotes the model's output.
 */
public class ToolCallException extends LangChain4jException {

    public ToolCallException(String message) {
        super(message);
    }

    public ToolCallException(String message, Throwable cause) {
        super(message, cause);
    }
}
