package dev.titans4j.t2.svf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Transformer² expert: one vector per adapted matrix (keyed by Hugging Face weight name, one value per singular
 * value), what the values mean ({@link ValueKind}), how multipliers are rescaled ({@link RescaleRule}) and the base
 * model it was made for. Immutable. Read and write with {@link SvfExpertFile}.
 */
public final class SvfExpert {

    private final String name;
    private final ValueKind kind;
    private final RescaleRule rescale;
    private final BaseModelIdentity base;
    private final Map<String, float[]> values;

    public SvfExpert(String name, ValueKind kind, RescaleRule rescale, BaseModelIdentity base,
                     Map<String, float[]> values) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.rescale = Objects.requireNonNull(rescale, "rescale");
        this.base = Objects.requireNonNull(base, "base");
        if (values.isEmpty()) {
            throw new IllegalArgumentException("Expert '" + name + "' adapts no matrix");
        }
        Map<String, float[]> copy = new LinkedHashMap<>();
        values.forEach((weight, v) -> {
            for (float x : v) {
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException("Expert '" + name + "': " + weight + " holds " + x);
                }
            }
            copy.put(weight, v.clone());
        });
        this.values = Collections.unmodifiableMap(copy);
    }

    /** The identity expert in z form (all ones) for every matrix of {@code model}. */
    public static SvfExpert identity(String name, SingularValues model) {
        Map<String, float[]> ones = new LinkedHashMap<>();
        model.matrices().forEach((w, m) -> {
            float[] v = new float[m.rank()];
            java.util.Arrays.fill(v, 1f);
            ones.put(w, v);
        });
        return new SvfExpert(name, ValueKind.Z, RescaleRule.SUM_PRESERVING, model.identity(), ones);
    }

    /** A copy with other values (same kind, rule and base), e.g. a trainer's new iterate. */
    public SvfExpert withValues(Map<String, float[]> newValues) {
        return new SvfExpert(name, kind, rescale, base, newValues);
    }

    public SvfExpert withName(String newName) {
        return new SvfExpert(newName, kind, rescale, base, values);
    }

    public String name() {
        return name;
    }

    public ValueKind kind() {
        return kind;
    }

    public RescaleRule rescale() {
        return rescale;
    }

    public BaseModelIdentity base() {
        return base;
    }

    /** Values by weight name (read-only map; do not modify the arrays). */
    public Map<String, float[]> values() {
        return values;
    }

    @Override
    public String toString() {
        return "SvfExpert{" + name + ", " + kind.id() + ", " + values.size() + " matrices}";
    }
}
