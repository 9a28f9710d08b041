package dev.titans4j.t2.svf.train;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line text progress bar ({@code \r}-redrawn) with the latest reward and the time left. */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();
    private final int first;

    ProgressBar(PrintStream out, int first, int total) {
        this.out = out;
        this.first = first;
        this.total = total;
    }

    void update(int done, double reward, double best) {
        if (out == null) {
            return;
        }
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        double elapsed = (System.nanoTime() - start) / 1e9;
        int run = done - first;
        double eta = run == 0 ? 0 : elapsed / run * (total - done);
        out.printf(Locale.ROOT, "\r[%s%s] %d/%d reward %.4f best %.4f eta %ds ", "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, reward, best, Math.round(eta));
        if (done == total) {
            out.println();
        }
        out.flush();
    }
}
