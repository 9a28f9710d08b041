package dev.titans4j.titans.memory;

/**
 * The memory model M as a pure function of a flat weight vector: batched forward pass, loss ‖M(k) − v‖² and its
 * closed-form gradient (backpropagation written out by hand). Stateless apart from the layout; thread-safe.
 *
 * <p>Weight layout (also the layout of the momentum S): matrix W₁ … W_L, each stored transposed, one row per
 * input unit ({@code [in][out]}, the {@code a·W} convention); then the LayerNorm gain offset γ as one row
 * ({@code valueDimension} entries, gain = 1 + γ) when enabled. In memory the rows are separate arrays
 * ({@code double[][]}): loops of the form {@code y[i] += s·row[i]} on separate arrays are what HotSpot C2 (JDK 17)
 * vectorises (measured ~4× faster than offsets into one flat array). The flat form used for serialisation and
 * {@link NeuralMemoryState#weights()} concatenates the rows in order.
 */
final class MemoryNetwork {

    private final MemoryConfig config;
    private final int layers;
    private final int[] rows;
    private final int[] cols;
    private final int[] offsets;
    private final int[] rowStart;
    private final int gammaOffset;
    private final int gammaRow;
    private final int rowCount;
    private final int size;
    private final Activation activation;

    MemoryNetwork(MemoryConfig config) {
        this.config = config;
        this.layers = config.layers();
        this.activation = config.activation();
        int[][] shapes = config.layerShapes();
        rows = new int[layers];
        cols = new int[layers];
        offsets = new int[layers];
        rowStart = new int[layers];
        int off = 0;
        int row = 0;
        for (int m = 0; m < layers; m++) {
            rows[m] = shapes[m][0];
            cols[m] = shapes[m][1];
            offsets[m] = off;
            rowStart[m] = row;
            off += rows[m] * cols[m];
            row += cols[m];
        }
        gammaOffset = off;
        gammaRow = row;
        rowCount = row + (config.layerNorm() ? 1 : 0);
        size = off + (config.layerNorm() ? config.valueDimension() : 0);
    }

    MemoryConfig config() {
        return config;
    }

    int size() {
        return size;
    }

    int layers() {
        return layers;
    }

    int offset(int m) {
        return offsets[m];
    }

    int rows(int m) {
        return rows[m];
    }

    int cols(int m) {
        return cols[m];
    }

    int gammaOffset() {
        return gammaOffset;
    }

    int gammaRow() {
        return gammaRow;
    }

    int rowStart(int m) {
        return rowStart[m];
    }

    /** Zero weights in row form. */
    double[][] newRows() {
        double[][] w = new double[rowCount][];
        for (int m = 0; m < layers; m++) {
            for (int c = 0; c < cols[m]; c++) {
                w[rowStart[m] + c] = new double[rows[m]];
            }
        }
        if (config.layerNorm()) {
            w[gammaRow] = new double[config.valueDimension()];
        }
        return w;
    }

    /** Row form of a flat weight vector (see the class comment for the order). */
    double[][] toRows(double[] flat) {
        if (flat.length != size) {
            throw new IllegalArgumentException("expected " + size + " weights, got " + flat.length);
        }
        double[][] w = newRows();
        int pos = 0;
        for (double[] row : w) {
            System.arraycopy(flat, pos, row, 0, row.length);
            pos += row.length;
        }
        return w;
    }

    /** Flat form of row-form weights. */
    double[] flatten(double[][] w) {
        double[] flat = new double[size];
        int pos = 0;
        for (double[] row : w) {
            System.arraycopy(row, 0, flat, pos, row.length);
            pos += row.length;
        }
        return flat;
    }

    /** Per-item intermediate values of a batch, reused between chunks to avoid allocation. */
    static final class Trace {
        final int capacity;
        /** a[m][j]: input of matrix m for item j (a[0] = key). */
        final double[][][] a;
        /** z[m][j]: σ' at the pre-activation of hidden layer m after {@link #forward} (m = 1 … L−1; z[0] unused). */
        final double[][][] z;
        /** delta[m][j]: ∂ℓ/∂(W_m·a_m) for item j; the gradient of W_m is delta[m][j] ⊗ a[m][j]. */
        final double[][][] delta;
        /** v[j]: target value of item j (write it before {@link #backward}). */
        final double[][] v;
        final double[][] out;
        final double[][] normalized;
        final double[] invStd;
        final double[][] y;
        final double[][] gGamma;
        final double[] loss;
        final double[] gradNorm;
        final double[][] scratch;

        Trace(MemoryNetwork net, int capacity) {
            this.capacity = capacity;
            int L = net.layers;
            a = new double[L][capacity][];
            z = new double[L][capacity][];
            delta = new double[L][capacity][];
            for (int m = 0; m < L; m++) {
                for (int j = 0; j < capacity; j++) {
                    a[m][j] = new double[net.cols[m]];
                    if (m > 0) {
                        z[m][j] = new double[net.cols[m]];
                    }
                    delta[m][j] = new double[net.rows[m]];
                }
            }
            int dv = net.config.valueDimension();
            out = new double[capacity][dv];
            v = new double[capacity][dv];
            y = new double[capacity][dv];
            boolean ln = net.config.layerNorm();
            normalized = ln ? new double[capacity][dv] : null;
            gGamma = ln ? new double[capacity][dv] : null;
            invStd = new double[capacity];
            loss = new double[capacity];
            gradNorm = new double[capacity];
            int widest = 0;
            for (int m = 0; m < L; m++) {
                widest = Math.max(widest, Math.max(net.rows[m], net.cols[m]));
            }
            scratch = new double[capacity][widest];
        }

        /** Key slot of item j (write the key here before {@link #forward}). */
        double[] key(int j) {
            return a[0][j];
        }
    }

    Trace newTrace(int capacity) {
        return new Trace(this, capacity);
    }

    /** Forward pass for items {@code from … to−1}, whose keys are already in {@code t.key(j)}; fills {@code t.y}. */
    void forward(double[][] w, Trace t, int from, int to) {
        for (int m = 0; m < layers; m++) {
            boolean last = m == layers - 1;
            double[][] target = last ? t.out : t.z[m + 1];
            forwardLayer(w, rowStart[m], rows[m], cols[m], t.a[m], target, from, to);
            if (!last) {
                for (int j = from; j < to; j++) {
                    double[] zj = t.z[m + 1][j];
                    activation.applyKeepingDerivative(zj, t.a[m + 1][j], zj.length);
                }
            }
        }
        int dv = config.valueDimension();
        for (int j = from; j < to; j++) {
            double[] o = t.out[j];
            double[] y = t.y[j];
            if (config.layerNorm()) {
                double[] gamma = w[gammaRow];
                double mean = 0;
                for (int i = 0; i < dv; i++) {
                    mean += o[i];
                }
                mean /= dv;
                double var = 0;
                for (int i = 0; i < dv; i++) {
                    double c = o[i] - mean;
                    var += c * c;
                }
                var /= dv;
                double inv = 1.0 / Math.sqrt(var + config.layerNormEpsilon());
                t.invStd[j] = inv;
                double[] n = t.normalized[j];
                for (int i = 0; i < dv; i++) {
                    n[i] = (o[i] - mean) * inv;
                    y[i] = n[i] * (1.0 + gamma[i]);
                }
            } else {
                System.arraycopy(o, 0, y, 0, dv);
            }
            if (config.residual()) {
                double[] k = t.a[0][j];
                for (int i = 0; i < dv; i++) {
                    y[i] += k[i];
                }
            }
        }
    }

    /**
     * Loss and closed-form gradient for items {@code from … to−1} after {@link #forward}: fills loss, deltas,
     * γ-gradients and the gradient's Frobenius norm (from the rank-one structure ‖δ⊗a‖ = ‖δ‖·‖a‖).
     */
    void backward(double[][] w, Trace t, int from, int to) {
        int dv = config.valueDimension();
        for (int j = from; j < to; j++) {
            double[] y = t.y[j];
            double[] v = t.v[j];
            double[] g = t.delta[layers - 1][j];
            double loss = 0;
            for (int i = 0; i < dv; i++) {
                double e = y[i] - v[i];
                loss += e * e;
                g[i] = 2.0 * e;
            }
            t.loss[j] = loss;
            if (config.layerNorm()) {
                layerNormBackward(w, t, j, g);
            }
        }
        for (int m = layers - 1; m >= 1; m--) {
            double[][] gradA = t.scratch;
            backwardLayer(w, rowStart[m], rows[m], cols[m], t.delta[m], gradA, from, to);
            for (int j = from; j < to; j++) {
                double[] slope = t.z[m][j];
                double[] d = t.delta[m - 1][j];
                double[] ga = gradA[j];
                for (int i = 0; i < d.length; i++) {
                    d[i] = ga[i] * slope[i];
                }
            }
        }
        for (int j = from; j < to; j++) {
            double sq = 0;
            for (int m = 0; m < layers; m++) {
                sq += dot(t.delta[m][j], t.delta[m][j]) * dot(t.a[m][j], t.a[m][j]);
            }
            if (config.layerNorm()) {
                sq += dot(t.gGamma[j], t.gGamma[j]);
            }
            t.gradNorm[j] = Math.sqrt(sq);
        }
    }

    /** In place: {@code g} holds ∂ℓ/∂y on entry and ∂ℓ/∂o on exit; also fills ∂ℓ/∂γ. */
    private void layerNormBackward(double[][] w, Trace t, int j, double[] g) {
        double[] gamma = w[gammaRow];
        int dv = config.valueDimension();
        double[] n = t.normalized[j];
        double[] gGamma = t.gGamma[j];
        double meanG = 0;
        double meanGn = 0;
        for (int i = 0; i < dv; i++) {
            gGamma[i] = g[i] * n[i];
            double gn = g[i] * (1.0 + gamma[i]);
            g[i] = gn;
            meanG += gn;
            meanGn += gn * n[i];
        }
        meanG /= dv;
        meanGn /= dv;
        double inv = t.invStd[j];
        for (int i = 0; i < dv; i++) {
            g[i] = inv * (g[i] - meanG - n[i] * meanGn);
        }
    }

    /** The full flat gradient of item j (reference and tests; the write path never materialises it). */
    void gradient(Trace t, int j, double[] out) {
        java.util.Arrays.fill(out, 0.0);
        for (int m = 0; m < layers; m++) {
            double[] d = t.delta[m][j];
            double[] a = t.a[m][j];
            int off = offsets[m];
            for (int c = 0; c < cols[m]; c++) {
                for (int r = 0; r < rows[m]; r++) {
                    out[off + c * rows[m] + r] = a[c] * d[r];
                }
            }
        }
        if (config.layerNorm()) {
            System.arraycopy(t.gGamma[j], 0, out, gammaOffset, config.valueDimension());
        }
    }

    /** target[j] = W · source[j] for j in [from, to), W stored as rows w[first + c] (column c of W). */
    static void forwardLayer(double[][] w, int first, int rows, int cols, double[][] source, double[][] target,
                             int from, int to) {
        for (int j = from; j < to; j++) {
            java.util.Arrays.fill(target[j], 0, rows, 0.0);
        }
        for (int c = 0; c < cols; c++) {
            double[] row = w[first + c];
            for (int j = from; j < to; j++) {
                double s = source[j][c];
                if (s != 0.0) {
                    axpy(s, row, target[j], rows);
                }
            }
        }
    }

    /** target[j] = Wᵀ · source[j] (W stored as in {@link #forwardLayer}). */
    static void backwardLayer(double[][] w, int first, int rows, int cols, double[][] source, double[][] target,
                              int from, int to) {
        for (int c = 0; c < cols; c++) {
            double[] row = w[first + c];
            for (int j = from; j < to; j++) {
                target[j][c] = dot(row, 0, source[j], rows);
            }
        }
    }

    static double dot(double[] a, double[] b) {
        return dot(a, 0, b, a.length);
    }

    /** Σ w[base+i]·x[i], eight partial sums for instruction-level parallelism. */
    static double dot(double[] w, int base, double[] x, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            s0 += w[base + i] * x[i];
            s1 += w[base + i + 1] * x[i + 1];
            s2 += w[base + i + 2] * x[i + 2];
            s3 += w[base + i + 3] * x[i + 3];
            s4 += w[base + i + 4] * x[i + 4];
            s5 += w[base + i + 5] * x[i + 5];
            s6 += w[base + i + 6] * x[i + 6];
            s7 += w[base + i + 7] * x[i + 7];
        }
        for (; i < n; i++) {
            s0 += w[base + i] * x[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** y[i] += s·x[i] (same index on both arrays, which C2 vectorises). */
    static void axpy(double s, double[] x, double[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] += s * x[i];
        }
    }
}
