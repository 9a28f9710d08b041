package dev.titans4j.titans.chat;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The parts of the long-term memory: BM25, archive retention, segmentation, address codes. */
class LongTermPartsTest {

    @Test
    void bm25_matches_a_hand_computation() {
        LexicalIndex index = new LexicalIndex();
        index.add(1, "red apple red");      // terms: red apple red (3)
        index.add(2, "green apple");        // green apple (2)
        index.add(3, "blue sky");           // blue sky (2)
        Map<Long, Double> scores = index.score("the red apples");

        double avg = 7.0 / 3;
        double idfRed = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
        double idfApple = Math.log(1 + (3 - 2 + 0.5) / (2 + 0.5));
        double red1 = idfRed * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 3 / avg));
        double apple1 = idfApple * 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 3 / avg));
        double apple2 = idfApple * 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / avg));
        assertThat(scores.get(1L)).isCloseTo(red1 + apple1, within(1e-12));
        assertThat(scores.get(2L)).isCloseTo(apple2, within(1e-12));
        assertThat(scores).doesNotContainKey(3L);

        index.remove(1);
        assertThat(index.score("red")).isEmpty();
        assertThat(LexicalIndex.terms("Mary's cats, and THE dogs!")).containsExactly("mary", "cat", "dog");
    }

    @Test
    void each_ranking_votes_only_for_its_first_depth_segments() {
        // lexical ranking only (neural weights 0, no hop): scores are exactly 1 / (k + rank) for rank <= depth
        RecallFusion lexicalOnly = new RecallFusion(0, 0, 1, 0, 0, 0, 60, 2);
        LongTermMemory memory = new LongTermMemory(new HashingEmbeddingModel(),
                NeuralAddressMemory.defaultConfig(HashingEmbeddingModel.DIMENSION), null, 0, 120, 100,
                lexicalOnly, true);
        memory.memorize(0, "user", "apple apple apple", true);
        memory.memorize(1, "user", "apple pie", true);
        memory.memorize(2, "user", "apple tree in the garden of my grandmother", true);
        memory.memorize(3, "user", "blue sky", true);

        List<RecalledSegment> ranked = memory.rank("apple");
        assertThat(ranked).extracting(RecalledSegment::seq).containsExactly(0L, 1L, 3L, 2L);
        assertThat(ranked.get(0).score()).isCloseTo(1.0 / 61, within(1e-15));
        assertThat(ranked.get(1).score()).isCloseTo(1.0 / 62, within(1e-15));
        // the third BM25 match gets no vote: it falls back behind, among the unmatched, newest first
        assertThat(ranked.get(2).score()).isZero();
        assertThat(ranked.get(3).score()).isZero();

        assertThatThrownBy(() -> new RecallFusion(1, 1, 1, 0, 0, 1, 60, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("depth must be >= 1");
    }

    @Test
    void archive_drops_the_least_retained_segment_not_the_oldest() {
        SegmentArchive archive = new SegmentArchive(3, 0.01);
        archive.add(segment(0, 2.0), 1);
        archive.add(segment(1, 0.1), 2); // a repetition: taught the memory little
        archive.add(segment(2, 2.0), 3);
        ArchivedSegment dropped = archive.add(segment(3, 2.0), 4);

        assertThat(dropped.position()).isEqualTo(1);
        assertThat(archive.all()).extracting(ArchivedSegment::position).containsExactly(0L, 2L, 3L);
        // at equal surprise the forgetting decay makes the oldest go
        assertThat(archive.add(segment(4, 2.0), 5).position()).isZero();
        assertThatThrownBy(() -> new SegmentArchive(0, 0.01)).hasMessageContaining("capacity");
    }

    private static ArchivedSegment segment(long position, double surprise) {
        return new ArchivedSegment(position, position, 0, "user", "text " + position, surprise);
    }

    @Test
    void long_messages_are_cut_at_sentence_ends_within_the_word_limit() {
        Segmenter segmenter = new Segmenter(5);
        assertThat(segmenter.split("  short one  ")).containsExactly("short one");
        assertThat(segmenter.split("   ")).isEmpty();
        assertThat(segmenter.split("a b c. d e f g h i j k"))
                .containsExactly("a b c.", "d e f g h", "i j k");
        List<String> pieces = new Segmenter(200).split("word ".repeat(450));
        assertThat(pieces).hasSize(3);
        assertThat(pieces.get(0).split(" ")).hasSize(200);
    }

    @Test
    void address_codes_are_deterministic_unit_and_nearly_orthogonal() {
        AddressCodes codes = new AddressCodes(384);
        double[] a = new double[384];
        double[] b = new double[384];
        double[] a2 = new double[384];
        codes.code(7, a, 0);
        codes.code(8, b, 0);
        codes.code(7, a2, 0);
        assertThat(a2).containsExactly(a);
        double norm = 0;
        double dot = 0;
        for (int i = 0; i < 384; i++) {
            norm += a[i] * a[i];
            dot += a[i] * b[i];
        }
        assertThat(norm).isCloseTo(1.0, within(1e-12));
        assertThat(Math.abs(dot)).isLessThan(0.25);
        assertThat(codes.cosine(a, 1.0, 7)).isCloseTo(1.0, within(1e-12));
        assertThat(codes.cosine(a, 1.0, 8)).isCloseTo(dot, within(1e-12));
    }
}
