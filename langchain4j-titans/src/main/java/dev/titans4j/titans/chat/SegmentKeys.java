package dev.titans4j.titans.chat;

import dev.titans4j.titans.format.Envelope;

import java.util.List;

/**
 * The keys of one archived segment: its whole key and, when its sentences make more than one passage
 * ({@link SentenceSplitter#passages}), one embedding per passage (a single passage's key would equal the whole key,
 * so none is stored; {@link KeyEncoder} says how the whole key is made). "Sentence keys" below means passage keys.
 */
record SegmentKeys(PackedKey whole, List<PackedKey> sentences) {

    SegmentKeys {
        sentences = List.copyOf(sentences);
    }

    int storedBytes() {
        return PackedKey.bytes(whole.dimension()) * (1 + sentences.size());
    }

    /** The best sentence's score for query {@code r}; the whole key's score for a single sentence. */
    double bestSentence(double[] r, double wholeScore) {
        double best = sentences.isEmpty() ? wholeScore : Double.NEGATIVE_INFINITY;
        for (PackedKey s : sentences) {
            best = Math.max(best, s.dot(r));
        }
        return best;
    }

    void writeTo(Envelope.Writer out) {
        whole.writeTo(out);
        out.putByte(sentences.size());
        for (PackedKey s : sentences) {
            s.writeTo(out);
        }
    }

    static SegmentKeys readFrom(Envelope.Payload in, int dimension) {
        PackedKey whole = PackedKey.readFrom(in, dimension);
        int n = in.readByte("sentence count") & 0xff;
        if (n == 1 || n > SentenceSplitter.MAX_SENTENCES) {
            throw in.corrupt("invalid sentence key count " + n);
        }
        PackedKey[] sentences = new PackedKey[n];
        for (int i = 0; i < n; i++) {
            sentences[i] = PackedKey.readFrom(in, dimension);
        }
        return new SegmentKeys(whole, List.of(sentences));
    }
}
