package dev.titans4j.t2.svf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mixture weights α over experts: {@code z' = Σ α_k z_k}, per expert, optionally overridden per matrix. An empty mix
 * is the base model. Immutable.
 */
public final class ExpertMix {

    private static final ExpertMix BASE = new ExpertMix(List.of(), new double[0], Map.of());

    private final List<SvfExpert> experts;
    private final double[] alphas;
    private final Map<String, double[]> perMatrix;

    private ExpertMix(List<SvfExpert> experts, double[] alphas, Map<String, double[]> perMatrix) {
        this.experts = experts;
        this.alphas = alphas;
        this.perMatrix = perMatrix;
    }

    /**
     * The base model (no expert). Its multipliers are the identity (an empty map), which a request runs on the
     * export's plain companion when there is one; few-shot scoring runs it on the SVF graph like every mix
     * ({@code OnnxModel.newSession(map, true)}), so candidates are compared on one graph.
     */
    public static ExpertMix base() {
        return BASE;
    }

    /** One expert at full weight. */
    public static ExpertMix of(SvfExpert expert) {
        return of(List.of(expert), new double[] {1.0});
    }

    /** Experts with one weight each (any real numbers; the paper's CEM keeps them in [0, 1]). */
    public static ExpertMix of(List<SvfExpert> experts, double[] alphas) {
        return of(experts, alphas, Map.of());
    }

    /**
     * Experts with per-expert weights and, for some matrices (by weight name), their own weight per expert.
     */
    public static ExpertMix of(List<SvfExpert> experts, double[] alphas, Map<String, double[]> perMatrix) {
        if (experts.size() != alphas.length) {
            throw new IllegalArgumentException(experts.size() + " experts but " + alphas.length + " weights");
        }
        Map<String, double[]> matrices = new LinkedHashMap<>();
        perMatrix.forEach((weight, a) -> {
            if (a.length != experts.size()) {
                throw new IllegalArgumentException("Matrix " + weight + ": " + a.length + " weights for "
                        + experts.size() + " experts");
            }
            for (double x : a) {
                if (!Double.isFinite(x)) {
                    throw new IllegalArgumentException("Matrix " + weight + ": mixture weights must be finite, got "
                            + x);
                }
            }
            matrices.put(weight, a.clone());
        });
        for (double a : alphas) {
            if (!Double.isFinite(a)) {
                throw new IllegalArgumentException("Mixture weights must be finite, got " + a);
            }
        }
        experts.forEach(e -> Objects.requireNonNull(e, "expert"));
        return new ExpertMix(List.copyOf(experts), alphas.clone(), Collections.unmodifiableMap(matrices));
    }

    public List<SvfExpert> experts() {
        return experts;
    }

    /** The per-expert weights (a copy). */
    public double[] alphas() {
        return alphas.clone();
    }

    /** The weight of expert {@code k} for {@code weight} (its per-matrix override, else its expert weight). */
    public double alpha(int k, String weight) {
        double[] m = perMatrix.get(weight);
        return m != null ? m[k] : alphas[k];
    }

    /** The matrices (weight names) with weights of their own. */
    java.util.Set<String> perMatrixWeights() {
        return perMatrix.keySet();
    }

    public boolean isBase() {
        return experts.isEmpty();
    }

    /** Expert name to weight, in order (for response metadata). */
    public Map<String, Double> weightsByName() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < experts.size(); k++) {
            m.merge(experts.get(k).name(), alphas[k], Double::sum);
        }
        return m;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        weightsByName().forEach((n, a) -> parts.add(n + "=" + String.format(java.util.Locale.ROOT, "%.3f", a)));
        return isBase() ? "ExpertMix{base}" : "ExpertMix{" + String.join(", ", parts) + "}";
    }
}
