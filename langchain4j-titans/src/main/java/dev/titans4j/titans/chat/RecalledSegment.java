package dev.titans4j.titans.chat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One archived piece of the conversation, as recall returns it.
 *
 * @param seq     provenance: the sequence number the message it came from received when it was added (0-based,
 *                counting every message ever added to this memory id)
 * @param part    which piece of that message (0 unless the message was longer than one segment)
 * @param speaker who said it: {@code user}, {@code ai}, {@code tool} or {@code system}
 * @param text    the segment text, verbatim
 * @param time    when the message was added ({@code null} when unknown, e.g. imported from a version 4 state)
 * @param score   the fused recall score (higher is more relevant; only comparable within one recall)
 */
public record RecalledSegment(long seq, int part, String speaker, String text, Instant time, double score) {

    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /** The line this segment takes in the recalled-memory message, in UTC: see {@link #line(ZoneId)}. */
    public String line() {
        return line(java.time.ZoneOffset.UTC);
    }

    /** {@code [#seq speaker, yyyy-MM-dd HH:mm] text} with the time in {@code zone}, or {@code [#seq speaker] text}. */
    public String line(ZoneId zone) {
        String when = time == null ? "" : ", " + MINUTES.format(time.atZone(zone));
        return "[#" + seq + " " + speaker + when + "] " + text;
    }

    static Instant time(long millis) {
        return millis == MemoryEntry.NO_TIME ? null : Instant.ofEpochMilli(millis);
    }
}
