package dev.titans4j.export.cli;

import dev.titans4j.export.ExportProgress;
import java.io.PrintWriter;
import java.util.Locale;

/** {@code [#####.....] 12/32 tensors 45.1/120.3 MB} on one stderr line, redrawn at most every 100 ms. */
final class ProgressBar implements ExportProgress {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    @Override
    public void phase(String description) {
        if (enabled) {
            endLine();
            err.println(description);
            err.flush();
        }
    }

    @Override
    public void tensorWritten(String name, int done, int total, long bytesDone, long bytesTotal) {
        long now = System.nanoTime();
        if (!enabled || (done < total && now - lastDraw < 100_000_000L)) {
            return;
        }
        lastDraw = now;
        err.print('\r');
        err.print(render(done, total, bytesDone, bytesTotal));
        err.flush();
        drawn = true;
    }

    void finish() {
        endLine();
    }

    private void endLine() {
        if (drawn) {
            err.println();
            err.flush();
            drawn = false;
        }
    }

    static String render(int done, int total, long bytesDone, long bytesTotal) {
        int filled = bytesTotal == 0 ? WIDTH : (int) (WIDTH * bytesDone / bytesTotal);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + " tensors "
                + String.format(Locale.ROOT, "%.1f/%.1f MB", bytesDone / 1e6, bytesTotal / 1e6);
    }

    static String bytes(long n) {
        if (n >= 1e9) {
            return String.format(Locale.ROOT, "%.2f GB", n / 1e9);
        }
        if (n >= 1e6) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        }
        if (n >= 1e3) {
            return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
        }
        return n + " B";
    }

    static String count(long n) {
        if (n >= 1e9) {
            return String.format(Locale.ROOT, "%.2fB", n / 1e9);
        }
        if (n >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        if (n >= 1e3) {
            return String.format(Locale.ROOT, "%.1fK", n / 1e3);
        }
        return Long.toString(n);
    }
}
