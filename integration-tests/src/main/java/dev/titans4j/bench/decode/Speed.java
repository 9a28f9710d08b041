package dev.titans4j.bench.decode;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Repeated prefill and decode measurements of one configuration, in tokens per second. */
record Speed(double[] prefillRuns, double[] decodeRuns) {

    double prefill() {
        return Stats.median(prefillRuns);
    }

    double decode() {
        return Stats.median(decodeRuns);
    }

    String runs() {
        return "prefill " + format(prefillRuns) + ", decode " + format(decodeRuns);
    }

    private static String format(double[] runs) {
        return Arrays.stream(runs).mapToObj(v -> String.format(Locale.ROOT, "%.1f", v))
                .collect(Collectors.joining(" ", "[", "]"));
    }
}
