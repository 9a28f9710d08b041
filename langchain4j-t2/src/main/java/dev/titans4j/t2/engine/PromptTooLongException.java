package dev.titans4j.t2.engine;

/** The prompt (plus at least one generated token) does not fit in the model's context window. */
public class PromptTooLongException extends IllegalArgumentException {

    private final int promptTokens;
    private final int contextLength;

    public PromptTooLongException(int promptTokens, int contextLength) {
        this(promptTokens, contextLength, contextLength);
    }

    /**
     * @param modelContextLength the model's own context; larger than {@code contextLength} when
     *                           {@code EngineOptions.maxContextLength} caps it
     */
    public PromptTooLongException(int promptTokens, int contextLength, int modelContextLength) {
        super("The prompt has " + promptTokens + " tokens and needs at least " + (promptTokens + 1L)
                + " positions (the prompt plus one output token), but the context holds " + contextLength
                + " tokens" + (contextLength < modelContextLength ? " (capped by maxContextLength; the model's own"
                + " context is " + modelContextLength + ")" : "") + "; shorten the conversation");
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
