package dev.titans4j.titans.chat;

/**
 * One archived segment of the conversation with its provenance and keys.
 *
 * @param id         unique within the memory id, in write order (the archive's key)
 * @param seq        sequence number of the message it came from (0, 1, 2, ... per memory id, in add order)
 * @param part       which segment of that message (0 unless the message was cut)
 * @param speaker    {@code user}, {@code ai}, {@code tool} or {@code system}
 * @param text       verbatim text
 * @param timeMillis when the message was added (epoch milliseconds), or {@link #NO_TIME} when unknown
 * @param keys       its embedding keys
 * @param surprise   ‖∇ℓ‖ of its write into the neural memory: how new it was to the memory (archive retention)
 * @param previousId the id of the segment archived just before it (its context), or -1
 */
record MemoryEntry(long id, long seq, int part, String speaker, String text, long timeMillis, SegmentKeys keys,
                   double surprise, long previousId) {

    static final long NO_TIME = Long.MIN_VALUE;
}
