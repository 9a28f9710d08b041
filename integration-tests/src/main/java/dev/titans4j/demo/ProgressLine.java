package dev.titans4j.demo;

import java.io.PrintStream;

/**
 * A one-line progress bar on a terminal stream (stderr), redrawn in place at most every 100 ms; {@link #finish}
 * ends the line so later output starts clean. Nothing is drawn when {@code enabled} is false (quiet runs, tests).
 */
public final class ProgressLine {

    private static final int WIDTH = 28;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean enabled;
    private final String label;
    private final String unit;
    private final long total;
    private final long start = System.nanoTime();
    private long done;
    private long lastDraw = Long.MIN_VALUE;

    public ProgressLine(PrintStream out, boolean enabled, String label, String unit, long total) {
        this.out = out;
        this.enabled = enabled;
        this.label = label;
        this.unit = unit;
        this.total = total;
        draw(true);
    }

    /** Runs one step of unknown length behind a status line ({@code label ... done in 2.1 s}). */
    public static <T> T timed(PrintStream out, boolean enabled, String label, java.util.function.Supplier<T> step) {
        long start = System.nanoTime();
        if (enabled) {
            out.print(label + " ...");
            out.flush();
        }
        T result = step.get();
        if (enabled) {
            out.printf(" done in %.1f s%n", (System.nanoTime() - start) / 1e9);
            out.flush();
        }
        return result;
    }

    public void advance() {
        done++;
        draw(false);
    }

    /** Completes the bar and ends its line. */
    public void finish() {
        if (enabled) {
            draw(true);
            out.println();
            out.flush();
        }
    }

    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    private void draw(boolean force) {
        long now = System.nanoTime();
        if (!enabled || (!force && now - lastDraw < REDRAW_NANOS)) {
            return;
        }
        lastDraw = now;
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        out.printf("\r%-22s [%s%s] %d/%d %s %5.1f s", label, "#".repeat(filled), ".".repeat(WIDTH - filled), done,
                total, unit, seconds());
        out.flush();
    }
}
