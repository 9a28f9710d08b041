package dev.titans4j.t2;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.titans4j.t2.svf.SvfMultipliers;
import java.util.Objects;

/**
 * Chat request parameters with this provider's extra sampling knobs. Like every LangChain4j parameters class, a
 * value left {@code null} falls back to the model's default ({@link #overrideWith} keeps non-null values of the
 * overriding side).
 *
 * <ul>
 *   <li>{@code seed}: makes sampling reproducible (same seed, same request, same output)</li>
 *   <li>{@code repetitionPenalty}: divides positive (multiplies negative) logits of tokens already present in the
 *       prompt or output; 1.0 = off</li>
 *   <li>{@code minP}: drops tokens whose probability is below {@code minP} times the top token's; 0 = off</li>
 *   <li>{@code svfMultipliers}: Transformer² singular-value multipliers for this request (see
 *       {@code dev.titans4j.t2.svf}); null = the base model</li>
 *   <li>{@code enableThinking}: for models that reason before answering (Qwen3, SmolLM3, templates rendered as
 *       {@code jinja}), whether they do, as their template's {@code enable_thinking}; null = the template's default
 *       (Qwen3, SmolLM3: on). Other models, and templates without that switch, ignore it.
 *       Requests decoded under a constraint (JSON response formats, required tool calls) never think.</li>
 * </ul>
 */
public class OnnxChatRequestParameters extends DefaultChatRequestParameters {

    public static final OnnxChatRequestParameters EMPTY = builder().build();

    private final Long seed;
    private final Double repetitionPenalty;
    private final Double minP;
    private final SvfMultipliers svfMultipliers;
    private final Boolean enableThinking;

    protected OnnxChatRequestParameters(Builder builder) {
        super(builder);
        this.seed = builder.seed;
        this.repetitionPenalty = builder.repetitionPenalty;
        this.minP = builder.minP;
        this.svfMultipliers = builder.svfMultipliers;
        this.enableThinking = builder.enableThinking;
    }

    public Long seed() {
        return seed;
    }

    public Double repetitionPenalty() {
        return repetitionPenalty;
    }

    public Double minP() {
        return minP;
    }

    public SvfMultipliers svfMultipliers() {
        return svfMultipliers;
    }

    public Boolean enableThinking() {
        return enableThinking;
    }

    @Override
    public OnnxChatRequestParameters overrideWith(ChatRequestParameters that) {
        return builder().overrideWith(this).overrideWith(that).build();
    }

    /** Kept as this class: the inherited one builds plain parameters (AI services call it on a method's argument). */
    @Override
    public OnnxChatRequestParameters defaultedBy(ChatRequestParameters that) {
        return builder().overrideWith(that).overrideWith(this).build();
    }

    @Override
    public boolean equals(Object o) {
        if (o == null || getClass() != o.getClass() || !super.equals(o)) {
            return false;
        }
        OnnxChatRequestParameters that = (OnnxChatRequestParameters) o;
        return Objects.equals(seed, that.seed) && Objects.equals(repetitionPenalty, that.repetitionPenalty)
                && Objects.equals(minP, that.minP) && Objects.equals(svfMultipliers, that.svfMultipliers)
                && Objects.equals(enableThinking, that.enableThinking);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), seed, repetitionPenalty, minP, svfMultipliers, enableThinking);
    }

    @Override
    public String toString() {
        return "OnnxChatRequestParameters{modelName=" + modelName() + ", temperature=" + temperature()
                + ", topP=" + topP() + ", topK=" + topK() + ", minP=" + minP + ", seed=" + seed
                + ", repetitionPenalty=" + repetitionPenalty + ", svfMultipliers=" + svfMultipliers
                + ", enableThinking=" + enableThinking
                + ", frequencyPenalty=" + frequencyPenalty()
                + ", presencePenalty=" + presencePenalty() + ", maxOutputTokens=" + maxOutputTokens()
                + ", stopSequences=" + stopSequences() + ", toolSpecifications=" + toolSpecifications()
                + ", toolChoice=" + toolChoice() + ", responseFormat=" + responseFormat() + '}';
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends DefaultChatRequestParameters.Builder<Builder> {

        private Long seed;
        private Double repetitionPenalty;
        private Double minP;
        private SvfMultipliers svfMultipliers;
        private Boolean enableThinking;

        @Override
        public Builder overrideWith(ChatRequestParameters parameters) {
            super.overrideWith(parameters);
            if (parameters instanceof OnnxChatRequestParameters onnx) {
                seed(onnx.seed != null ? onnx.seed : seed);
                repetitionPenalty(onnx.repetitionPenalty != null ? onnx.repetitionPenalty : repetitionPenalty);
                minP(onnx.minP != null ? onnx.minP : minP);
                svfMultipliers(onnx.svfMultipliers != null ? onnx.svfMultipliers : svfMultipliers);
                enableThinking(onnx.enableThinking != null ? onnx.enableThinking : enableThinking);
            }
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder repetitionPenalty(Double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        public Builder minP(Double minP) {
            this.minP = minP;
            return this;
        }

        /** Transformer² multipliers for this request (e.g. from an {@code SvfAdapter} mix); null = base model. */
        public Builder svfMultipliers(SvfMultipliers svfMultipliers) {
            this.svfMultipliers = svfMultipliers;
            return this;
        }

        /** Whether a model that reasons (Qwen3, SmolLM3, {@code jinja}) thinks first; null = its template's default. */
        public Builder enableThinking(Boolean enableThinking) {
            this.enableThinking = enableThinking;
            return this;
        }

        @Override
        public OnnxChatRequestParameters build() {
            return new OnnxChatRequestParameters(this);
        }
    }
}
