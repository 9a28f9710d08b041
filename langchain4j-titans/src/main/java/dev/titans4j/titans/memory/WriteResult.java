package dev.titans4j.titans.memory;

/**
 * Per-item outcome of {@link NeuralMemory#write}: the associative loss ℓ = ‖M₀(k) − v‖² and the surprise
 * ‖∇ℓ‖ (Frobenius norm over all memory weights, before any clamp), both at M₀, the memory state the item's gradient
 * is taken at. Masked items report them too, although they are not memorised.
 */
public final class WriteResult {

    private final double[] losses;
    private final double[] surprises;

    WriteResult(double[] losses, double[] surprises) {
        this.losses = losses;
        this.surprises = surprises;
    }

    public int size() {
        return losses.length;
    }

    public double loss(int i) {
        return losses[i];
    }

    /** Gradient norm ‖∇ℓ‖ of item i. */
    public double surprise(int i) {
        return surprises[i];
    }

    public double[] losses() {
        return losses.clone();
    }

    public double[] surprises() {
        return surprises.clone();
    }
}
