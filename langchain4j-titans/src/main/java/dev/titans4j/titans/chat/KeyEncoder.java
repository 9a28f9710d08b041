package dev.titans4j.titans.chat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a message's text into keyed segments with one call of the embedding model: each segment (see
 * {@link Segmenter}) and, for segments of several passages, each passage of sentences. Keys are packed at once, so
 * what a live memory writes is exactly what a replay of the log reads back.
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
        List<List<String>> sentencesPerPiece = new ArrayList<>();
        for (String piece : pieces) {
            inputs.add(TextSegment.from(piece));
            List<String> sentences = passageWords > 0 ? SentenceSplitter.passages(piece, passageWords) : List.of();
            List<String> keyed = sentences.size() > 1 ? sentences : List.of();
            sentencesPerPiece.add(keyed);
            keyed.forEach(s -> inputs.add(TextSegment.from(s)));
        }
        List<Embedding> embeddings = model.embedAll(inputs).content();
        List<KeyedSegment> out = new ArrayList<>(pieces.size());
        int at = 0;
        for (int p = 0; p < pieces.size(); p++) {
            PackedKey whole = PackedKey.of(embeddings.get(at++).vector());
            List<PackedKey> sentences = new ArrayList<>();
            for (int s = 0; s < sentencesPerPiece.get(p).size(); s++) {
                sentences.add(PackedKey.of(embeddings.get(at++).vector()));
            }
            out.add(new KeyedSegment(pieces.get(p), new SegmentKeys(whole, sentences)));
        }
        return out;
    }

    float[] embedQuery(String query) {
        return model.embed(query).content().vector();
    }
}
