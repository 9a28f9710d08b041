package dev.titans4j.bench.recall.dataset;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a turn's free-form {@link Turn#time()} as an instant (UTC), for memories that record when things were
 * said: ISO dates and date-times ({@code 2024-01-01T10:00}, the generated sets) and LoCoMo's session times
 * ({@code 1:56 pm on 8 May, 2023}). Anything else has no time.
 */
public final class TurnTimes {

    private static final DateTimeFormatter LOCOMO = DateTimeFormatter.ofPattern("h:mm a 'on' d MMMM, yyyy",
            Locale.ENGLISH);

    private TurnTimes() {
    }

    public static Optional<Instant> parse(String time) {
        if (time == null || time.isBlank()) {
            return Optional.empty();
        }
        String t = time.strip();
        try {
            return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notIsoDateTime) {
            // try the next form
        }
        try {
            return Optional.of(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notIsoDate) {
            // try the next form
        }
        try {
            String normalised = t.replace("am", "AM").replace("pm", "PM");
            return Optional.of(LocalDateTime.parse(normalised, LOCOMO).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException unknown) {
            return Optional.empty();
        }
    }
}
