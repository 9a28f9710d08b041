package dev.titans4j.bench.recall;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/** Renders results as a fixed-width text table: one column per memory, one row per metric and category. */
public final class ResultTable {

    private ResultTable() {
    }

    public static String render(int budget, List<MemoryResult> results) {
        if (results.isEmpty()) {
            return "no memory results (budget " + budget + ")\n";
        }
        Set<String> categories = new LinkedHashSet<>();
        results.forEach(r -> categories.addAll(r.categories().keySet()));

        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("budget " + budget));
        results.forEach(r -> header.add(r.memory()));
        rows.add(header.toArray(String[]::new));
        rows.add(row(results, "evidence recall", r -> fixed(r.overall(), 3)));
        for (String category : categories) {
            rows.add(row(results, "  " + category, r -> r.categories().containsKey(category)
                    ? fixed(r.categories().get(category), 3) : "-"));
        }
        rows.add(row(results, "injected tokens", r -> fixed(r.injectedTokens(), 0)));
        rows.add(row(results, "ingest ms/turn", r -> fixed(r.ingestMsPerTurn(), 3)));
        rows.add(row(results, "recall ms p50", r -> fixed(r.recallMsP50(), 2)));
        rows.add(row(results, "recall ms p95", r -> fixed(r.recallMsP95(), 2)));
        rows.add(row(results, "state bytes/conv", r -> Long.toString(r.stateBytes())));
        if (results.stream().anyMatch(r -> !Double.isNaN(r.writeBytesMean()))) {
            rows.add(row(results, "bytes written/add", r -> Double.isNaN(r.writeBytesMean()) ? "-"
                    : fixed(r.writeBytesMean(), 0)));
            rows.add(row(results, "  p95", r -> Double.isNaN(r.writeBytesP95()) ? "-"
                    : fixed(r.writeBytesP95(), 0)));
        }
        rows.add(row(results, "questions", r -> Integer.toString(r.questions())));
        rows.add(row(results, "turns", r -> Integer.toString(r.turns())));

        int[] widths = new int[header.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                out.append(i == 0 ? pad(row[i], widths[i], false) : "  " + pad(row[i], widths[i], true));
            }
            out.append('\n');
            if (r == 0) {
                int total = widths[0];
                for (int i = 1; i < widths.length; i++) {
                    total += widths[i] + 2;
                }
                out.append("-".repeat(total)).append('\n');
            }
        }
        return out.toString();
    }

    private static String[] row(List<MemoryResult> results, String label, Function<MemoryResult, String> cell) {
        String[] row = new String[results.size() + 1];
        row[0] = label;
        for (int i = 0; i < results.size(); i++) {
            row[i + 1] = cell.apply(results.get(i));
        }
        return row;
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(width - s.length());
        return right ? spaces + s : s + spaces;
    }
}
