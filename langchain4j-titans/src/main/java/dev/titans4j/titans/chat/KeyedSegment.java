package dev.titans4j.titans.chat;

import dev.titans4j.titans.format.Envelope;

/** One segment of a message (see {@link Segmenter}) with its keys: what a log record carries per segment. */
record KeyedSegment(String text, SegmentKeys keys) {

    void writeTo(Envelope.Writer out) {
        out.writeStringField(text);
        keys.writeTo(out);
    }

    static KeyedSegment readFrom(Envelope.Payload in, int dimension) {
        return new KeyedSegment(in.readString("segment text"), SegmentKeys.readFrom(in, dimension));
    }
}
