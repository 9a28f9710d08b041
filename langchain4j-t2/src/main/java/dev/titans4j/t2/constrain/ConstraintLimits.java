package dev.titans4j.t2.constrain;

/**
 * Bounds that guarantee every constrained generation terminates and that stop degenerate loops
 * (endless whitespace, endless digits, endless array items). Every limit is a hard grammar rule: once
 * reached, only the bytes that finish the current construct are allowed, so a value can always be closed.
 *
 * <ul>
 *   <li>{@code maxStringBytes}: UTF-8 bytes inside one string literal, escapes counted as written
 *       ({@code \n} = 2, {@code \u00e9} = 6).</li>
 *   <li>{@code maxIntegerDigits}, {@code maxFractionDigits}, {@code maxExponentDigits}: digits per number
 *       part; {@code maxExponentDigits = 0} forbids exponents.</li>
 *   <li>{@code maxArrayItems}: items per array and members per free-form (schema-less) object.</li>
 *   <li>{@code maxWhitespace}: bytes in one run of insignificant whitespace (space, tab, newline).</li>
 *   <li>{@code maxDepth}: parser stack depth (about two frames per nesting level); bounds recursive
 *       {@code $ref}s and free-form JSON.</li>
 *   <li>{@code requireAllProperties} (a grammar option rather than a bound, default false): write every
 *       declared property, optional ones too. Still schema-valid; useful where the consumer expects complete
 *       objects although the schema marks nothing required (LangChain4j's POJO schemas, e.g. its
 *       {@code LocalTime} deserializer needs every field).</li>
 * </ul>
 */
public final class ConstraintLimits {

    private static final ConstraintLimits DEFAULTS = builder().build();

    private final int maxStringBytes;
    private final int maxIntegerDigits;
    private final int maxFractionDigits;
    private final int maxExponentDigits;
    private final int maxArrayItems;
    private final int maxWhitespace;
    private final int maxDepth;
    private final boolean requireAllProperties;

    private ConstraintLimits(Builder b) {
        this.maxStringBytes = positive("maxStringBytes", b.maxStringBytes);
        this.maxIntegerDigits = positive("maxIntegerDigits", b.maxIntegerDigits);
        this.maxFractionDigits = positive("maxFractionDigits", b.maxFractionDigits);
        this.maxExponentDigits = nonNegative("maxExponentDigits", b.maxExponentDigits);
        this.maxArrayItems = nonNegative("maxArrayItems", b.maxArrayItems);
        this.maxWhitespace = nonNegative("maxWhitespace", b.maxWhitespace);
        this.maxDepth = positive("maxDepth", b.maxDepth);
        this.requireAllProperties = b.requireAllProperties;
    }

    public static ConstraintLimits defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        return new Builder().maxStringBytes(maxStringBytes).maxIntegerDigits(maxIntegerDigits)
                .maxFractionDigits(maxFractionDigits).maxExponentDigits(maxExponentDigits)
                .maxArrayItems(maxArrayItems).maxWhitespace(maxWhitespace).maxDepth(maxDepth)
                .requireAllProperties(requireAllProperties);
    }

    public int maxStringBytes() {
        return maxStringBytes;
    }

    public int maxIntegerDigits() {
        return maxIntegerDigits;
    }

    public int maxFractionDigits() {
        return maxFractionDigits;
    }

    public int maxExponentDigits() {
        return maxExponentDigits;
    }

    public int maxArrayItems() {
        return maxArrayItems;
    }

    public int maxWhitespace() {
        return maxWhitespace;
    }

    public int maxDepth() {
        return maxDepth;
    }

    public boolean requireAllProperties() {
        return requireAllProperties;
    }

    private static int positive(String name, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + v);
        }
        return v;
    }

    private static int nonNegative(String name, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + v);
        }
        return v;
    }

    @Override
    public String toString() {
        return "ConstraintLimits{maxStringBytes=" + maxStringBytes + ", maxIntegerDigits=" + maxIntegerDigits
                + ", maxFractionDigits=" + maxFractionDigits + ", maxExponentDigits=" + maxExponentDigits
                + ", maxArrayItems=" + maxArrayItems + ", maxWhitespace=" + maxWhitespace
                + ", maxDepth=" + maxDepth + ", requireAllProperties=" + requireAllProperties + '}';
    }

    public static final class Builder {
        private int maxStringBytes = 1024;
        private int maxIntegerDigits = 15;
        private int maxFractionDigits = 15;
        private int maxExponentDigits = 2;
        private int maxArrayItems = 64;
        private int maxWhitespace = 16;
        private int maxDepth = 64;
        private boolean requireAllProperties;

        private Builder() {
        }

        public Builder requireAllProperties(boolean v) {
            this.requireAllProperties = v;
            return this;
        }

        public Builder maxStringBytes(int v) {
            this.maxStringBytes = v;
            return this;
        }

        public Builder maxIntegerDigits(int v) {
            this.maxIntegerDigits = v;
            return this;
        }

        public Builder maxFractionDigits(int v) {
            this.maxFractionDigits = v;
            return this;
        }

        public Builder maxExponentDigits(int v) {
            this.maxExponentDigits = v;
            return this;
        }

        public Builder maxArrayItems(int v) {
            this.maxArrayItems = v;
            return this;
        }

        public Builder maxWhitespace(int v) {
            this.maxWhitespace = v;
            return this;
        }

        public Builder maxDepth(int v) {
            this.maxDepth = v;
            return this;
        }

        public ConstraintLimits build() {
            return new ConstraintLimits(this);
        }
    }
}
