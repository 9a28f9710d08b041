package dev.titans4j.bench.decode;

import dev.titans4j.t2.engine.TokenSelector;
import java.util.Locale;

/**
 * Whether a device's greedy choices agree with a reference run of the same export, position by position. The device
 * is fed the reference's tokens (teacher forcing), so one early near-tie does not end the comparison: every position
 * is checked. A position agrees when both pick the same token, or when the device's token is a near-tie in the
 * reference's own logits (within {@link #NEAR_TIE_SHARE} of that row's logit range below the reference's best):
 * fp16 kernels on different hardware round differently, and random weights produce close top-2 margins.
 */
final class GreedyAgreement {

    private static final TokenSelector GREEDY = TokenSelector.greedy();

    /** 1% of a row's logit range: far below the margin of any decision a rounding difference cannot flip. */
    static final double NEAR_TIE_SHARE = 0.01;

    private int positions;
    private int exact;
    private int nearTies;
    private String firstDisagreement;
    private double maxAbsDifference;

    /** Records one position: the reference's logits row and the device's. */
    void add(float[] reference, float[] device) {
        if (reference.length != device.length) {
            throw new IllegalArgumentException("logits rows of " + reference.length + " and " + device.length
                    + " values");
        }
        int expected = GREEDY.select(reference);
        int actual = GREEDY.select(device);
        float min = Float.POSITIVE_INFINITY;
        for (int i = 0; i < reference.length; i++) {
            min = Math.min(min, reference[i]);
            maxAbsDifference = Math.max(maxAbsDifference, Math.abs(reference[i] - device[i]));
        }
        if (expected == actual) {
            exact++;
        } else if (reference[expected] - reference[actual] <= NEAR_TIE_SHARE * (reference[expected] - min)) {
            nearTies++;
        } else if (firstDisagreement == null) {
            firstDisagreement = String.format(Locale.ROOT, "position %d: reference token %d (logit %.4f), device"
                    + " token %d (reference logit %.4f)", positions, expected, reference[expected], actual,
                    reference[actual]);
        }
        positions++;
    }

    boolean agrees() {
        return positions > 0 && exact + nearTies == positions;
    }

    int positions() {
        return positions;
    }

    int exact() {
        return exact;
    }

    int nearTies() {
        return nearTies;
    }

    double maxAbsDifference() {
        return maxAbsDifference;
    }

    String describe() {
        String summary = String.format(Locale.ROOT, "%d/%d positions agree (%d exact, %d near-ties); max |logit"
                + " difference| %.4f", exact + nearTies, positions, exact, nearTies, maxAbsDifference);
        return firstDisagreement == null ? summary : summary + "; first disagreement at " + firstDisagreement;
    }
}
