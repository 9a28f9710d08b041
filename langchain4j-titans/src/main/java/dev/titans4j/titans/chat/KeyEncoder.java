package dev.titans4j.titans.chat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a message's text into keyed segments with one call of the embedding model. A segment (see {@link Segmenter})
 * whose sentences make one passage is encoded whole; one of several passages is encoded passage by passage, and its
 * whole key is the normalised mean of its passages' embeddings (close to what the encoder's own mean pooling gives,
 * and one encoder call less per long message). Keys are packed at once, so what a live memory writes is exactly
 * what a replay of the log reads back.
 */
final class KeyEncoder {

    private final EmbeddingModel model;
    private final Segmenter segmenter;
    private final int passageWords;

    /** {@code passageWords}: minimum words per sentence-passage key, 0 for no keys below the segment. */
    KeyEncoder(EmbeddingModel model, int maxSegmentWords, int passageWords) {
        this.model = model;
        this.segmenter = new Segmenter(maxSegmentWords);
        this.passageWords = passageWords;
    }

    int dimension() {
        return model.dimension();
    }

    List<KeyedSegment> encode(String text) {
        List<String> pieces = segmenter.split(text);
        if (pieces.isEmpty()) {
            return List.of();
        }
        List<TextSegment> inputs = new ArrayList<>();
        List<Integer> passageCounts = new ArrayList<>();
        for (String piece : pieces) {
            List<String> passages = passageWords > 0 ? SentenceSplitter.passages(piece, passageWords) : List.of();
            List<String> encoded = passages.size() > 1 ? passages : List.of(piece);
            passageCounts.add(passages.size() > 1 ? passages.size() : 0);
            encoded.forEach(t -> inputs.add(TextSegment.from(t)));
        }
        List<Embedding> embeddings = model.embedAll(inputs).content();
        List<KeyedSegment> out = new ArrayList<>(pieces.size());
        int at = 0;
        for (int p = 0; p < pieces.size(); p++) {
            int n = passageCounts.get(p);
            if (n == 0) {
                out.add(new KeyedSegment(pieces.get(p),
                        new SegmentKeys(PackedKey.of(embeddings.get(at++).vector()), List.of())));
                continue;
            }
            List<PackedKey> passages = new ArrayList<>(n);
            float[] mean = new float[model.dimension()];
            for (int s = 0; s < n; s++) {
                float[] v = embeddings.get(at++).vector();
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += v[i];
                }
                passages.add(PackedKey.of(v));
            }
            out.add(new KeyedSegment(pieces.get(p), new SegmentKeys(PackedKey.of(normalised(mean)), passages)));
        }
        return out;
    }

    private static float[] normalised(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float norm = (float) Math.sqrt(s);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
        }
        return v;
    }

    float[] embedQuery(String query) {
        return model.embed(query).content().vector();
    }
}
