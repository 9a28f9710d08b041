package dev.titans4j.t2.svf;

/** What an expert file stores per singular value. */
public enum ValueKind {
    /** The multiplier itself: {@code m = z} (z = 1 is the base model). */
    Z("z"),
    /** Pre-sigmoid logits as Sakana's SVF policy keeps them: {@code m = sigmoid(p)}. */
    LOGITS("logits");

    private final String id;

    ValueKind(String id) {
        this.id = id;
    }

    /** The name written in expert file metadata. */
    public String id() {
        return id;
    }

    /** The multiplier {@code m} of one stored value. */
    public double toMultiplier(double value) {
        return this == Z ? value : 1.0 / (1.0 + Math.exp(-value));
    }

    public static ValueKind fromId(String id) {
        for (ValueKind kind : values()) {
            if (kind.id.equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown SVF value kind '" + id + "' (expected 'z' or 'logits')");
    }
}
