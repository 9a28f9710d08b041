package dev.titans4j.export.hf;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Phi-3's {@code longrope} rotary scaling (Phi-3-mini-128k, Phi-3.5-mini, Phi-4-mini), as transformers'
 * {@code _compute_longrope_parameters} and the longrope branch of {@code dynamic_rope_update} define it:
 * {@code inv_freq[i] = 1 / (factor[i] * theta^(2i / rotaryDim))}, with {@code short_factor} while the sequence
 * ({@code max(position_ids) + 1}) is at most {@code original_max_position_embeddings} and {@code long_factor}
 * beyond, and cos/sin multiplied by one attention factor for both tables (the one computed at initialisation; the
 * long update discards its own).
 *
 * @param originalMaxPositionEmbeddings the switch point: long factors once the sequence is longer than this
 * @param attentionFactor               {@code attention_factor}, or {@code sqrt(1 + ln(factor) / ln(original))}
 *                                      with {@code factor} = {@code max_position_embeddings / original} unless given
 *                                      (1 when the factor is at most 1)
 */
public record LongRope(double[] shortFactor, double[] longFactor, int originalMaxPositionEmbeddings,
                       double attentionFactor) {

    public static final String TYPE = "longrope";

    public LongRope {
        shortFactor = shortFactor.clone();
        longFactor = longFactor.clone();
    }

    @Override
    public double[] shortFactor() {
        return shortFactor.clone();
    }

    @Override
    public double[] longFactor() {
        return longFactor.clone();
    }

    /**
     * Reads the factors of a {@code rope_scaling}/{@code rope_parameters} object. {@code originalMax}: Phi3Config's
     * top-level {@code original_max_position_embeddings}, which transformers copies over the one in the object.
     */
    static LongRope read(JsonFile config, String key, JsonNode node, int rotaryDim, int maxPositions,
                         int originalMax) throws ModelConfigException {
        double[] shortFactor = factors(config, key, node, "short_factor", rotaryDim);
        double[] longFactor = factors(config, key, node, "long_factor", rotaryDim);
        if (originalMax < 1) {
            throw config.error("original_max_position_embeddings", "must be positive, found " + originalMax);
        }
        double factor = node.path("factor").isNumber() ? node.get("factor").doubleValue()
                : (double) maxPositions / originalMax;
        double attention = node.path("attention_factor").isNumber() ? node.get("attention_factor").doubleValue()
                : defaultAttentionFactor(factor, originalMax);
        if (!(attention > 0)) {
            throw config.error(key, "attention_factor must be positive, found " + attention);
        }
        return new LongRope(shortFactor, longFactor, originalMax, attention);
    }

    /** The paper's (and transformers') default: {@code sqrt(1 + ln(factor) / ln(original))}, 1 without scaling. */
    static double defaultAttentionFactor(double factor, int originalMax) {
        return factor <= 1.0 ? 1.0 : Math.sqrt(1 + Math.log(factor) / Math.log(originalMax));
    }

    /** Whether a run whose sequence reaches {@code totalLength} tokens uses the long factors. */
    public boolean usesLongFactors(int totalLength) {
        return totalLength > originalMaxPositionEmbeddings;
    }

    /** The short ({@code longContext} false) or long inverse frequencies over {@code rotaryDim} dims. */
    public double[] inverseFrequencies(double theta, int rotaryDim, boolean longContext) {
        double[] factor = longContext ? longFactor : shortFactor;
        double[] freqs = new double[rotaryDim / 2];
        for (int i = 0; i < freqs.length; i++) {
            freqs[i] = 1.0 / (factor[i] * Math.pow(theta, (2.0 * i) / rotaryDim));
        }
        return freqs;
    }

    private static double[] factors(JsonFile config, String key, JsonNode node, String field, int rotaryDim)
            throws ModelConfigException {
        JsonNode list = node.path(field);
        if (!list.isArray() || list.size() != rotaryDim / 2) {
            throw config.error(key, "longrope needs '" + field + "' as a list of " + rotaryDim / 2
                    + " numbers (rotary dim " + rotaryDim + " / 2), found " + (list.isMissingNode() ? "none" : list));
        }
        double[] values = new double[list.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = list.get(i);
            if (!v.isNumber() || !(v.doubleValue() > 0)) {
                throw config.error(key, "longrope '" + field + "'[" + i + "] must be a positive number, found " + v);
            }
            values[i] = v.doubleValue();
        }
        return values;
    }
}
