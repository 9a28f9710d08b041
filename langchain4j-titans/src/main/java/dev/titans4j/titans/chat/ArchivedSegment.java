package dev.titans4j.titans.chat;

/**
 * A segment in the long-term archive.
 *
 * @param position the neural-memory stream position it was written at (unique; its address code)
 * @param seq      sequence number of the message it came from
 * @param part     piece index within that message
 * @param speaker  {@code user}, {@code ai}, {@code tool} or {@code system}
 * @param text     verbatim text
 * @param surprise ‖∇ℓ‖ of its write: how new it was to the memory (drives the archive's retention)
 */
record ArchivedSegment(long position, long seq, int part, String speaker, String text, double surprise) {
}
