package dev.titans4j.t2.dispatch;

import dev.titans4j.t2.svf.ExpertMix;
import java.util.Objects;

/**
 * A first-pass decision: the expert mix, the label it came from (e.g. the class the model answered, or a task name)
 * and what the first pass cost.
 */
public record Dispatch(ExpertMix mix, String label, DispatchCost cost) {

    public Dispatch {
        Objects.requireNonNull(mix, "mix");
        Objects.requireNonNull(cost, "cost");
    }

    /** A decision that ran no model (a rule): no cost. */
    public static Dispatch free(ExpertMix mix, String label) {
        return new Dispatch(mix, label, DispatchCost.NONE);
    }
}
