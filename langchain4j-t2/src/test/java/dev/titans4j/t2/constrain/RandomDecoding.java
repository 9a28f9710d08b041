package dev.titans4j.t2.constrain;

import java.util.Random;

/**
 * Stands in for a model with random weights: random logits every step, the constraint's mask applied with
 * {@link ConstrainedDecoder#maskLogits(float[])}, then softmax sampling, until end-of-sequence or the decoder
 * says it is finished.
 */
final class RandomDecoding {

    record Result(String text, boolean complete, int steps) {
    }

    private RandomDecoding() {
    }

    static Result generate(JsonConstraint constraint, TokenVocabulary vocab, long seed, int maxSteps, boolean gaussian) {
        Random random = new Random(seed);
        return generate(constraint, vocab, seed, maxSteps, (step, logits) -> {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = gaussian ? (float) (2 * random.nextGaussian()) : 4 * random.nextFloat();
            }
        });
    }

    /** Fills the logits of decode step {@code step}. */
    interface LogitSource {
        void fill(int step, float[] logits);
    }

    static Result generate(JsonConstraint constraint, TokenVocabulary vocab, long seed, int maxSteps, LogitSource source) {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        ConstrainedDecoder d = constraint.start(vocab);
        float[] logits = new float[vocab.size()];
        for (int step = 0; step < maxSteps; step++) {
            source.fill(step, logits);
            d.maskLogits(logits);
            // iid random logits: their argmax is already a uniform draw among the allowed tokens; softmax
            // sampling (as with "sampling on") is used where the vocabulary is small enough to be cheap
            int token = logits.length <= 4096 ? sample(logits, random) : argmax(logits);
            if (token < 0) {
                throw new AssertionError("no token allowed after " + step + " steps; output: " + d.text());
            }
            if (vocab.isEos(token)) {
                d.accept(token);
                return new Result(d.text(), true, step + 1);
            }
            d.accept(token);
            if (d.isFinished()) {
                return new Result(d.text(), d.isComplete(), step + 1);
            }
        }
        return new Result(d.text(), false, maxSteps);
    }

    static int argmax(float[] logits) {
        int best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] > max) {
                max = logits[i];
                best = i;
            }
        }
        return best;
    }

    static int sample(float[] logits, Random random) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            return -1;
        }
        double total = 0;
        for (float l : logits) {
            if (l != Float.NEGATIVE_INFINITY) {
                total += Math.exp(l - max);
            }
        }
        double u = random.nextDouble() * total;
        int last = -1;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] != Float.NEGATIVE_INFINITY) {
                last = i;
                u -= Math.exp(logits[i] - max);
                if (u <= 0) {
                    return i;
                }
            }
        }
        return last;
    }
}
