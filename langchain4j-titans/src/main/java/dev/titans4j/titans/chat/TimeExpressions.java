package dev.titans4j.titans.chat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the calendar period a question names, so recall can prefer what was said then: a day ("8 May 2023",
 * "May 8th, 2023", "2023-05-08"), a month ("May 2023") or a year ("in 2023"), the most precise first. Relative
 * expressions ("last week") are not resolved. Public for retrieval code outside the memory (the benchmark's
 * baselines use it too, so every memory reads dates the same way).
 */
public final class TimeExpressions {

    /** A half-open period [startMillis, endMillis) in epoch milliseconds. */
    public record Period(long startMillis, long endMillis) {

        /** Whether {@code millis} lies in the period ({@link Long#MIN_VALUE}, an unknown time, never does). */
        public boolean contains(long millis) {
            return millis != MemoryEntry.NO_TIME && millis >= startMillis && millis < endMillis;
        }
    }

    private static final Map<String, Integer> MONTHS = Map.ofEntries(
            Map.entry("january", 1), Map.entry("february", 2), Map.entry("march", 3), Map.entry("april", 4),
            Map.entry("may", 5), Map.entry("june", 6), Map.entry("july", 7), Map.entry("august", 8),
            Map.entry("september", 9), Map.entry("october", 10), Map.entry("november", 11),
            Map.entry("december", 12));
    private static final String MONTH = "(january|february|march|april|may|june|july|august|september|october"
            + "|november|december)";
    private static final String DAY = "(\\d{1,2})(?:st|nd|rd|th)?";
    private static final Pattern DAY_MONTH_YEAR = Pattern.compile("\\b" + DAY + "\\s+(?:of\\s+)?" + MONTH
            + ",?\\s+(\\d{4})\\b");
    private static final Pattern MONTH_DAY_YEAR = Pattern.compile("\\b" + MONTH + "\\s+" + DAY + ",?\\s+(\\d{4})\\b");
    private static final Pattern ISO_DATE = Pattern.compile("\\b(\\d{4})-(\\d{2})-(\\d{2})\\b");
    private static final Pattern MONTH_YEAR = Pattern.compile("\\b" + MONTH + ",?\\s+(\\d{4})\\b");
    private static final Pattern YEAR = Pattern.compile("\\b(19\\d{2}|20\\d{2})\\b");

    private TimeExpressions() {
    }

    /** The period {@code text} names, with days starting at midnight in {@code zone}; empty when it names none. */
    public static Optional<Period> find(String text, ZoneId zone) {
        String t = text.toLowerCase(Locale.ROOT);
        Matcher m = DAY_MONTH_YEAR.matcher(t);
        if (m.find()) {
            return day(m.group(3), MONTHS.get(m.group(2)), m.group(1), zone);
        }
        m = MONTH_DAY_YEAR.matcher(t);
        if (m.find()) {
            return day(m.group(3), MONTHS.get(m.group(1)), m.group(2), zone);
        }
        m = ISO_DATE.matcher(t);
        if (m.find()) {
            return day(m.group(1), Integer.parseInt(m.group(2)), m.group(3), zone);
        }
        m = MONTH_YEAR.matcher(t);
        if (m.find()) {
            LocalDate start = LocalDate.of(Integer.parseInt(m.group(2)), MONTHS.get(m.group(1)), 1);
            return Optional.of(period(start, start.plusMonths(1), zone));
        }
        m = YEAR.matcher(t);
        if (m.find()) {
            LocalDate start = LocalDate.of(Integer.parseInt(m.group(1)), 1, 1);
            return Optional.of(period(start, start.plusYears(1), zone));
        }
        return Optional.empty();
    }

    private static Optional<Period> day(String year, int month, String day, ZoneId zone) {
        try {
            LocalDate d = LocalDate.of(Integer.parseInt(year), month, Integer.parseInt(day));
            return Optional.of(period(d, d.plusDays(1), zone));
        } catch (java.time.DateTimeException invalid) { // "31 February 2023"
            return Optional.empty();
        }
    }

    private static Period period(LocalDate start, LocalDate end, ZoneId zone) {
        return new Period(start.atStartOfDay(zone).toInstant().toEpochMilli(),
                end.atStartOfDay(zone).toInstant().toEpochMilli());
    }
}
