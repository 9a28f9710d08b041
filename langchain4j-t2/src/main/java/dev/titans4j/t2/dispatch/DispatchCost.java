package dev.titans4j.t2.dispatch;

/** What a first pass cost: model tokens read and generated, and wall time. */
public record DispatchCost(int inputTokens, int outputTokens, long millis) {

    public static final DispatchCost NONE = new DispatchCost(0, 0, 0);

    public DispatchCost plus(DispatchCost other) {
        return new DispatchCost(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                millis + other.millis);
    }
}
