package dev.titans4j.titans.chat;

/**
 * One archived piece of the conversation, as recall returns it.
 *
 * @param seq     provenance: the sequence number the message it came from received when it was added (0-based,
 *                counting every message ever added to this memory id)
 * @param part    which piece of that message (0 unless the message was longer than one segment)
 * @param speaker who said it: {@code user}, {@code ai}, {@code tool} or {@code system}
 * @param text    the segment text, verbatim
 * @param score   the fused recall score (higher is more relevant; only comparable within one recall)
 */
public record RecalledSegment(long seq, int part, String speaker, String text, double score) {

    /** The line this segment takes in the recalled-memory message: {@code [#seq speaker] text}. */
    public String line() {
        return "[#" + seq + " " + speaker + "] " + text;
    }
}
