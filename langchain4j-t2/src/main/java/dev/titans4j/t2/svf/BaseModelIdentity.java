package dev.titans4j.t2.svf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which base model an expert belongs to: architecture, dimensions and, as a fingerprint, the sum of singular values
 * of every adapted matrix. Sums are compared with a relative tolerance (an SVD recomputed elsewhere differs in the
 * last digits; a different model differs by far more).
 */
public record BaseModelIdentity(String architecture, int hiddenSize, int intermediateSize, int numLayers,
                                int vocabSize, Map<String, Double> singularValueSums) {

    /** Relative difference of singular-value sums still accepted as the same base model. */
    public static final double SUM_TOLERANCE = 1e-3;

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ARCHITECTURE = "base.architecture";
    static final String DIMENSIONS = "base.dimensions";
    static final String SUMS = "base.singular_value_sums";

    public BaseModelIdentity {
        singularValueSums = Map.copyOf(singularValueSums);
    }

    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ARCHITECTURE, architecture);
        m.put(DIMENSIONS, "hidden=" + hiddenSize + ",intermediate=" + intermediateSize + ",layers=" + numLayers
                + ",vocab=" + vocabSize);
        try {
            m.put(SUMS, JSON.writeValueAsString(new java.util.TreeMap<>(singularValueSums)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    static BaseModelIdentity fromMetadata(Map<String, String> m, String source) {
        String dims = m.get(DIMENSIONS);
        String sums = m.get(SUMS);
        if (m.get(ARCHITECTURE) == null || dims == null || sums == null) {
            throw new IllegalArgumentException(source + ": the expert does not name its base model (metadata "
                    + ARCHITECTURE + ", " + DIMENSIONS + ", " + SUMS + ")");
        }
        Map<String, Integer> d = new LinkedHashMap<>();
        try {
            for (String part : dims.split(",")) {
                String[] kv = part.split("=");
                d.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
            }
            Map<String, Double> parsed = JSON.readValue(sums, new TypeReference<Map<String, Double>>() { });
            return new BaseModelIdentity(m.get(ARCHITECTURE), d.get("hidden"), d.get("intermediate"),
                    d.get("layers"), d.get("vocab"), parsed);
        } catch (RuntimeException | JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": unreadable base model metadata (" + DIMENSIONS + "='"
                    + dims + "'): " + e.getMessage(), e);
        }
    }

    /**
     * Fails with a message naming every difference when {@code expert} (an expert's recorded base) is not this model.
     * The expert may adapt a subset of this model's matrices, never a matrix this model lacks.
     */
    public void checkCompatible(BaseModelIdentity expert, String expertName) {
        List<String> problems = new ArrayList<>();
        if (!architecture.equals(expert.architecture)) {
            problems.add("architecture " + expert.architecture + " vs " + architecture);
        }
        if (hiddenSize != expert.hiddenSize || intermediateSize != expert.intermediateSize
                || numLayers != expert.numLayers || vocabSize != expert.vocabSize) {
            problems.add("dimensions hidden/intermediate/layers/vocab " + expert.hiddenSize + "/"
                    + expert.intermediateSize + "/" + expert.numLayers + "/" + expert.vocabSize + " vs " + hiddenSize
                    + "/" + intermediateSize + "/" + numLayers + "/" + vocabSize);
        }
        if (problems.isEmpty()) {
            for (Map.Entry<String, Double> e : expert.singularValueSums.entrySet()) {
                Double mine = singularValueSums.get(e.getKey());
                if (mine == null) {
                    problems.add("matrix " + e.getKey() + " is not adapted in this model");
                } else if (Math.abs(mine - e.getValue()) > SUM_TOLERANCE * Math.abs(mine)) {
                    problems.add("singular values of " + e.getKey() + " sum to " + e.getValue() + " in the expert's"
                            + " base but " + mine + " here (different weights)");
                }
                if (problems.size() >= 3) {
                    break;
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Expert '" + expertName + "' was made for a different base model: "
                    + String.join("; ", problems));
        }
    }
}
