package dev.titans4j.t2.svf;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-request values of a model's SVF graph inputs: for each adapted matrix (by graph input name, e.g.
 * {@code svf.model.layers.0.mlp.gate_proj}) the factor each singular value is multiplied by. Inputs left out keep
 * the identity (all ones, the base model). Immutable: arrays are copied in and out, so one instance can be shared
 * by concurrent requests.
 */
public final class SvfMultipliers {

    private static final SvfMultipliers IDENTITY = new SvfMultipliers(Map.of());

    private final Map<String, float[]> byInput;

    private SvfMultipliers(Map<String, float[]> byInput) {
        this.byInput = byInput;
    }

    /** No change: every matrix keeps its singular values. */
    public static SvfMultipliers identity() {
        return IDENTITY;
    }

    /** Multipliers keyed by graph input name (copied). */
    public static SvfMultipliers of(Map<String, float[]> byInput) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        byInput.forEach((input, values) -> copy.put(input, values.clone()));
        return copy.isEmpty() ? IDENTITY : new SvfMultipliers(Collections.unmodifiableMap(copy));
    }

    /** A read-only view for the engine; the engine copies the arrays into its own tensors. */
    public Map<String, float[]> asMap() {
        return byInput;
    }

    /** The multipliers of one graph input (a copy), or null when it keeps the identity. */
    public float[] get(String input) {
        float[] values = byInput.get(input);
        return values == null ? null : values.clone();
    }

    public boolean isIdentity() {
        return byInput.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SvfMultipliers that) || !byInput.keySet().equals(that.byInput.keySet())) {
            return false;
        }
        return byInput.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), that.byInput.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<String, float[]> e : byInput.entrySet()) {
            h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        return isIdentity() ? "SvfMultipliers{identity}" : "SvfMultipliers{" + byInput.size() + " matrices}";
    }
}
