package dev.titans4j.t2.generation;

/**
 * How the next token is chosen. Applied in Hugging Face's order: repetition penalty, frequency/presence penalties,
 * temperature, top-k, top-p, min-p, then a draw.
 *
 * @param temperature       0 = greedy (argmax, ties to the lowest id); otherwise logits are divided by it
 * @param topK              keep the k most likely tokens (exactly k: of equal logits the lower ids, where Hugging
 *                          Face would keep every token tied with the k-th); 0 = off
 * @param topP              keep the smallest set of most likely tokens whose probability reaches topP; 1 = off
 * @param minP              drop tokens less likely than minP times the most likely one; 0 = off
 * @param seed              seed of the random draws (same seed, same logits: same tokens); null = random
 * @param repetitionPenalty Hugging Face's: logits of tokens seen in prompt or output are divided by it when
 *                          positive and multiplied when negative; 1 = off
 * @param frequencyPenalty  OpenAI's: subtracted once per time a token was generated; 0 = off
 * @param presencePenalty   OpenAI's: subtracted once from every token generated at least once; 0 = off
 */
public record SamplingParameters(double temperature, int topK, double topP, double minP, Long seed,
                                 double repetitionPenalty, double frequencyPenalty, double presencePenalty) {

    public SamplingParameters {
        require(Double.isFinite(temperature) && temperature >= 0,
                "temperature must be a finite number >= 0 (0 = greedy), got " + temperature);
        require(topK >= 0, "topK must be >= 0 (0 = off), got " + topK);
        require(topP > 0 && topP <= 1, "topP must be in (0, 1] (1 = off), got " + topP);
        require(minP >= 0 && minP < 1, "minP must be in [0, 1) (0 = off), got " + minP);
        require(Double.isFinite(repetitionPenalty) && repetitionPenalty > 0,
                "repetitionPenalty must be a finite number > 0 (1 = off), got " + repetitionPenalty);
        require(Double.isFinite(frequencyPenalty), "frequencyPenalty must be finite, got " + frequencyPenalty);
        require(Double.isFinite(presencePenalty), "presencePenalty must be finite, got " + presencePenalty);
    }

    /** Argmax decoding without penalties. */
    public static SamplingParameters greedy() {
        return builder().temperature(0.0).build();
    }

    public boolean isGreedy() {
        return temperature == 0 || topK == 1;
    }

    /** Whether a repetition, frequency or presence penalty is set (only then does sampling need a token history). */
    public boolean hasPenalties() {
        return repetitionPenalty != 1 || frequencyPenalty != 0 || presencePenalty != 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().temperature(temperature).topK(topK).topP(topP).minP(minP).seed(seed)
                .repetitionPenalty(repetitionPenalty).frequencyPenalty(frequencyPenalty)
                .presencePenalty(presencePenalty);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Defaults: temperature 1, every filter and penalty off, random seed. Null arguments keep the default. */
    public static final class Builder {
        private double temperature = 1.0;
        private int topK;
        private double topP = 1.0;
        private double minP;
        private Long seed;
        private double repetitionPenalty = 1.0;
        private double frequencyPenalty;
        private double presencePenalty;

        private Builder() {
        }

        public Builder temperature(Double temperature) {
            if (temperature != null) {
                this.temperature = temperature;
            }
            return this;
        }

        public Builder topK(Integer topK) {
            if (topK != null) {
                this.topK = topK;
            }
            return this;
        }

        public Builder topP(Double topP) {
            if (topP != null) {
                this.topP = topP;
            }
            return this;
        }

        public Builder minP(Double minP) {
            if (minP != null) {
                this.minP = minP;
            }
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder repetitionPenalty(Double repetitionPenalty) {
            if (repetitionPenalty != null) {
                this.repetitionPenalty = repetitionPenalty;
            }
            return this;
        }

        public Builder frequencyPenalty(Double frequencyPenalty) {
            if (frequencyPenalty != null) {
                this.frequencyPenalty = frequencyPenalty;
            }
            return this;
        }

        public Builder presencePenalty(Double presencePenalty) {
            if (presencePenalty != null) {
                this.presencePenalty = presencePenalty;
            }
            return this;
        }

        public SamplingParameters build() {
            return new SamplingParameters(temperature, topK, topP, minP, seed, repetitionPenalty,
                    frequencyPenalty, presencePenalty);
        }
    }
}
