package dev.titans4j.t2.dispatch;

import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import java.util.Map;
import java.util.Objects;

/**
 * Response metadata of a {@link T2ChatModel}: the usual fields (token usage is the second pass's), plus the
 * dispatch label, the experts and weights used, what the first pass cost and how long the second pass took.
 */
public class T2ResponseMetadata extends ChatResponseMetadata {

    private final String dispatchLabel;
    private final Map<String, Double> expertWeights;
    private final DispatchCost dispatchCost;
    private final long secondPassMillis;

    protected T2ResponseMetadata(Builder builder) {
        super(builder);
        this.dispatchLabel = builder.dispatchLabel;
        this.expertWeights = builder.expertWeights == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(builder.expertWeights));
        this.dispatchCost = builder.dispatchCost == null ? DispatchCost.NONE : builder.dispatchCost;
        this.secondPassMillis = builder.secondPassMillis;
    }

    /** What the first pass decided (a class label or a task name). */
    public String dispatchLabel() {
        return dispatchLabel;
    }

    /** Expert name to mixture weight, in mix order; empty when the base model answered. */
    public Map<String, Double> expertWeights() {
        return expertWeights;
    }

    public DispatchCost dispatchCost() {
        return dispatchCost;
    }

    public long secondPassMillis() {
        return secondPassMillis;
    }

    /** The first pass's share of the wall time of the whole request. */
    public double dispatchTimeShare() {
        long total = dispatchCost.millis() + secondPassMillis;
        return total == 0 ? 0 : (double) dispatchCost.millis() / total;
    }

    @Override
    public Builder toBuilder() {
        Builder b = (Builder) super.toBuilder(new Builder());
        return b.dispatchLabel(dispatchLabel).expertWeights(expertWeights).dispatchCost(dispatchCost)
                .secondPassMillis(secondPassMillis);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof T2ResponseMetadata that) || !super.equals(o)) {
            return false;
        }
        return Objects.equals(dispatchLabel, that.dispatchLabel) && expertWeights.equals(that.expertWeights)
                && dispatchCost.equals(that.dispatchCost) && secondPassMillis == that.secondPassMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), dispatchLabel, expertWeights, dispatchCost, secondPassMillis);
    }

    @Override
    public String toString() {
        return "T2ResponseMetadata{id=" + id() + ", modelName=" + modelName() + ", tokenUsage=" + tokenUsage()
                + ", finishReason=" + finishReason() + ", dispatchLabel=" + dispatchLabel + ", expertWeights="
                + expertWeights + ", dispatchCost=" + dispatchCost + ", secondPassMillis=" + secondPassMillis + '}';
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends ChatResponseMetadata.Builder<Builder> {

        private String dispatchLabel;
        private Map<String, Double> expertWeights;
        private DispatchCost dispatchCost;
        private long secondPassMillis;

        public Builder dispatchLabel(String dispatchLabel) {
            this.dispatchLabel = dispatchLabel;
            return this;
        }

        public Builder expertWeights(Map<String, Double> expertWeights) {
            this.expertWeights = expertWeights;
            return this;
        }

        public Builder dispatchCost(DispatchCost dispatchCost) {
            this.dispatchCost = dispatchCost;
            return this;
        }

        public Builder secondPassMillis(long secondPassMillis) {
            this.secondPassMillis = secondPassMillis;
            return this;
        }

        @Override
        public T2ResponseMetadata build() {
            return new T2ResponseMetadata(this);
        }
    }
}
