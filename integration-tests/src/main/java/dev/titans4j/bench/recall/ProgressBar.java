package dev.titans4j.bench.recall;

import java.io.PrintStream;

/** A one-line text progress bar (redrawn with carriage returns, at most every 200 ms) on stderr. */
public final class ProgressBar implements IngestProgress {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private String memory;
    private long total;
    private long done;
    private long startNanos;
    private long lastDraw;

    public ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void start(String memory, long totalTurns) {
        this.memory = memory;
        this.total = totalTurns;
        this.done = 0;
        this.startNanos = System.nanoTime();
        this.lastDraw = 0;
        draw();
    }

    @Override
    public void advance(long turns) {
        done += turns;
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw();
        }
    }

    @Override
    public void finish() {
        draw();
        out.println();
        out.flush();
    }

    private void draw() {
        double fraction = total == 0 ? 1.0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf("\r%-16s ingest [%s%s] %d/%d turns %5.1f s", memory, "#".repeat(filled), "-".repeat(WIDTH - filled),
                done, total, seconds);
        out.flush();
    }
}
