package dev.titans4j.t2.engine;

/** The prompt (plus at least one generated token) does not fit in the model's context window. */
public class PromptTooLongException extends IllegalArgumentException {

    private final int promptTokens;
    private final int contextLength;

    public PromptTooLongException(int promptTokens, int contextLength) {
        super("The prompt has " + promptTokens + " tokens but the model's context holds " + contextLength
                + " tokens (prompt plus generated output); shorten the conversation");
        this.promptTokens = promptTokens;
        this.contextLength = contextLength;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int contextLength() {
        return contextLength;
    }
}
