package dev.titans4j.t2.svf;

import dev.titans4j.t2.OnnxChatEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns experts and mixes into the graph's per-request SVF multipliers for one exported model: checks each expert
 * against the model, mixes in value space and applies the expert's {@link RescaleRule}. Thread-safe (immutable).
 *
 * <p>Mixing follows the paper, in z space: per matrix, every expert's values become multipliers ({@code z}, or
 * {@code sigmoid(p)} for logits), then {@code z' = Σ α_k z_k} and the expert's rescale rule turns {@code z'} into the
 * graph multipliers. An expert that leaves a matrix out contributes z = 1 there. A matrix whose weights are all zero
 * keeps the base model (z' = 0 would erase it, and the sum-preserving rescale is undefined there; a search such as
 * CEM clamps weights to [0, 1] and so samples exact zeros). All experts of one mix must share a rescale rule. (Sakana's few-shot code, {@code WeightedCombination}, instead mixes the raw policy parameters and uses
 * the sum as the multiplier without a sigmoid; the sum-preserving rescale makes any constant factor, such as their
 * {@code max_mult}, irrelevant either way.)
 */
public final class SvfAdapter {

    private final SingularValues model;

    public SvfAdapter(SingularValues model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /** The adapter of an engine's model (reads its {@code svf.safetensors}). */
    public static SvfAdapter forEngine(OnnxChatEngine engine) {
        return new SvfAdapter(SingularValues.load(engine.model().folder(), engine.model().manifest()));
    }

    public SingularValues singularValues() {
        return model;
    }

    /** Fails with a clear message unless {@code expert} fits this model (base identity, matrix names and lengths). */
    public SvfExpert check(SvfExpert expert) {
        model.identity().checkCompatible(expert.base(), expert.name());
        List<String> problems = new ArrayList<>();
        expert.values().forEach((weight, v) -> {
            SingularValues.Matrix m = model.matrix(weight);
            if (m == null) {
                problems.add(weight + " is not an adapted matrix of this model");
            } else if (m.rank() != v.length) {
                problems.add(weight + " has " + v.length + " values, the model's rank is " + m.rank());
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Expert '" + expert.name() + "' does not fit this model: "
                    + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                    + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""));
        }
        return expert;
    }

    public SvfMultipliers multipliers(SvfExpert expert) {
        return multipliers(ExpertMix.of(expert));
    }

    /** The graph multipliers of a mix; the base mix gives the identity. */
    public SvfMultipliers multipliers(ExpertMix mix) {
        if (mix.isBase()) {
            return SvfMultipliers.identity();
        }
        List<SvfExpert> experts = mix.experts();
        experts.forEach(this::check);
        for (String weight : mix.perMatrixWeights()) { // else never read: the expert weight would apply there
            if (model.matrix(weight) == null) {
                throw new IllegalArgumentException("Mixture weights for " + weight + ": not an adapted matrix of this"
                        + " model (weights go by Hugging Face weight name, e.g. "
                        + model.matrices().keySet().iterator().next() + ")");
            }
        }
        RescaleRule rule = experts.get(0).rescale();
        for (SvfExpert e : experts) {
            if (e.rescale() != rule) {
                throw new IllegalArgumentException("Experts in one mix must share a rescale rule: '"
                        + experts.get(0).name() + "' uses " + rule.id() + ", '" + e.name() + "' " + e.rescale().id());
            }
        }
        Map<String, float[]> byInput = new LinkedHashMap<>();
        for (SingularValues.Matrix matrix : model.matrices().values()) {
            if (experts.stream().noneMatch(e -> e.values().containsKey(matrix.weight()))
                    || allZero(mix, matrix.weight())) {
                continue; // identity
            }
            double[] m = mixedMultipliers(mix, matrix);
            byInput.put(matrix.input(), rule.apply(m, matrix.values(), matrix.weight()));
        }
        return SvfMultipliers.of(byInput);
    }

    private static boolean allZero(ExpertMix mix, String weight) {
        for (int k = 0; k < mix.experts().size(); k++) {
            if (mix.alpha(k, weight) != 0) {
                return false;
            }
        }
        return true;
    }

    private static double[] mixedMultipliers(ExpertMix mix, SingularValues.Matrix matrix) {
        List<SvfExpert> experts = mix.experts();
        double[] mixed = new double[matrix.rank()];
        for (int k = 0; k < experts.size(); k++) {
            double alpha = mix.alpha(k, matrix.weight());
            float[] v = experts.get(k).values().get(matrix.weight());
            ValueKind kind = experts.get(k).kind();
            for (int i = 0; i < mixed.length; i++) {
                mixed[i] += alpha * (v == null ? 1.0 : kind.toMultiplier(v[i]));
            }
        }
        return mixed;
    }
}
