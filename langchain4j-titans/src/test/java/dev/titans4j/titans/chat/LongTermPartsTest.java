package dev.titans4j.titans.chat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.titans4j.titans.format.Envelope;
import dev.titans4j.titans.memory.MemoryConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The parts of the long-term memory, each against a hand computation: BM25, archive retention, segmentation,
 * packed keys, sentences, dates in questions, rank fusion and the neural memory's read.
 */
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
    void only_a_possessive_s_is_stripped_not_the_s_of_a_quoted_word() {
        assertThat(LexicalIndex.terms("He said 'Samarkand', 'sorry' and 'so' twice"))
                .containsExactly("said", "samarkand", "sorry", "twice");
        // the typographic apostrophe too: Tomasz’s is Tomasz, not Tomasz and a term "s" every possessive shares
        assertThat(LexicalIndex.terms("Tomasz\u2019s cat, it's Mary's")).containsExactly("tomasz", "cat", "mary");
        LexicalIndex index = new LexicalIndex();
        index.add(1, "The town he loves is 'Samarkand'.");
        assertThat(index.score("Samarkand")).containsOnlyKeys(1L);
    }

    @Test
    void archive_drops_the_least_surprising_segment_and_at_equal_surprise_the_oldest() {
        SegmentArchive archive = new SegmentArchive(3);
        archive.add(entry(0, 2.0));
        archive.add(entry(1, 0.1)); // a repetition: the memory expected it
        archive.add(entry(2, 2.0));
        MemoryEntry dropped = archive.add(entry(3, 2.0));

        assertThat(dropped.id()).isEqualTo(1);
        assertThat(archive.snapshot()).extracting(MemoryEntry::id).containsExactly(0L, 2L, 3L);
        assertThat(archive.add(entry(4, 2.0)).id()).isZero();
        assertThatThrownBy(() -> new SegmentArchive(0)).hasMessageContaining("capacity");
    }

    private static MemoryEntry entry(long id, double surprise) {
        return new MemoryEntry(id, id, 0, "user", "text " + id, MemoryEntry.NO_TIME,
                new SegmentKeys(PackedKey.of(new float[] {1, 0}), List.of()), surprise, id - 1);
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
    void sentences_split_where_a_new_sentence_starts() {
        assertThat(SentenceSplitter.split("Caroline: I went to a support group. It was so powerful! Did you go?"))
                .containsExactly("Caroline: I went to a support group.", "It was so powerful!", "Did you go?");
        assertThat(SentenceSplitter.split("We used e.g. flour and 3.5 kg of sugar. \"Lovely,\" she said."))
                .containsExactly("We used e.g. flour and 3.5 kg of sugar.", "\"Lovely,\" she said.");
        assertThat(SentenceSplitter.split("no end mark")).containsExactly("no end mark");
        String many = "A. ".repeat(40);
        List<String> capped = SentenceSplitter.split(many);
        assertThat(capped).hasSize(SentenceSplitter.MAX_SENTENCES);
        assertThat(String.join(" ", capped)).isEqualTo(many.strip());
    }

    @Test
    void passages_gather_sentences_until_they_hold_enough_words_and_a_short_tail_joins_the_last() {
        String text = "Wow! I finally adopted a dog from the shelter last week. She is called Luna. Thanks.";
        assertThat(SentenceSplitter.passages(text, 1)).isEqualTo(SentenceSplitter.split(text));
        assertThat(SentenceSplitter.passages(text, 4)).containsExactly(
                "Wow! I finally adopted a dog from the shelter last week.", "She is called Luna. Thanks.");
        assertThat(SentenceSplitter.passages(text, 12)).containsExactly(
                "Wow! I finally adopted a dog from the shelter last week. She is called Luna. Thanks.");
        assertThat(SentenceSplitter.passages("Hi.", 12)).containsExactly("Hi.");
        assertThat(SentenceSplitter.passages("   ", 12)).isEmpty();
    }

    @Test
    void a_long_segment_is_encoded_by_passage_and_its_whole_key_is_their_normalised_mean() {
        List<String> encoded = new ArrayList<>();
        HashingEmbeddingModel counting = new HashingEmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                segments.forEach(t -> encoded.add(t.text()));
                return super.embedAll(segments);
            }
        };
        KeyEncoder encoder = new KeyEncoder(counting, 200, 4);
        String first = "I finally adopted a dog from the shelter.";
        String second = "She is called Luna and loves the beach.";

        SegmentKeys keys = encoder.encode(first + " " + second).get(0).keys();
        assertThat(encoded).containsExactly(first, second);
        float[] a = HashingEmbeddingModel.vector(first);
        float[] b = HashingEmbeddingModel.vector(second);
        double[] mean = new double[a.length];
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            mean[i] = a[i] + b[i];
            norm += mean[i] * mean[i];
        }
        float[] whole = keys.whole().decode();
        for (int i = 0; i < a.length; i++) {
            assertThat((double) whole[i]).isCloseTo(mean[i] / Math.sqrt(norm), within(0.05));
        }
        assertThat(keys.sentences()).hasSize(2);

        encoded.clear();
        SegmentKeys single = encoder.encode("Luna loves the beach.").get(0).keys();
        assertThat(encoded).containsExactly("Luna loves the beach.");
        assertThat(single.sentences()).isEmpty();
        assertThat(single.whole().dot(toDouble(HashingEmbeddingModel.vector("Luna loves the beach."))))
                .isCloseTo(1.0, within(0.05));
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Test
    void packed_keys_keep_each_value_within_half_a_step_and_round_trip() {
        Random random = new Random(5);
        float[] v = new float[384];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        PackedKey key = PackedKey.of(v);
        float[] decoded = key.decode();
        float max = 0;
        for (float x : v) {
            max = Math.max(max, Math.abs(x));
        }
        double step = max / 7.0;
        double[] q = new double[v.length];
        double dotDecoded = 0;
        double dotExact = 0;
        for (int i = 0; i < v.length; i++) {
            assertThat((double) decoded[i]).isCloseTo(v[i], within(step / 2 + 1e-7));
            q[i] = random.nextGaussian();
            dotDecoded += decoded[i] * q[i];
            dotExact += v[i] * q[i];
        }
        assertThat(key.dot(q)).isCloseTo(dotDecoded, within(1e-5));
        double qNorm = Math.sqrt(java.util.Arrays.stream(q).map(x -> x * x).sum());
        // rounding errors are uniform in ±step/2 (standard deviation step/√12): four of them
        assertThat(key.dot(q)).isCloseTo(dotExact, within(4 * step / Math.sqrt(12) * qNorm));
        double[] sum = new double[v.length];
        key.addTo(sum, 2.0);
        assertThat(sum[7]).isCloseTo(2 * decoded[7], within(1e-6));
        assertThat(PackedKey.of(new float[3]).decode()).containsExactly(0f, 0f, 0f);

        Envelope.Writer out = Envelope.writer("test", 1);
        key.writeTo(out);
        PackedKey read = PackedKey.readFrom(Envelope.open(out.finish(), "test", 1, 1, "key"), v.length);
        assertThat(read.decode()).containsExactly(decoded);
        assertThat(PackedKey.bytes(384)).isEqualTo(196);
    }

    @Test
    void dates_in_a_question_become_the_period_they_name() {
        ZoneId utc = ZoneOffset.UTC;
        assertThat(TimeExpressions.find("What did Sam do on 9th December 2023?", utc)).contains(period(
                "2023-12-09T00:00:00Z", "2023-12-10T00:00:00Z"));
        assertThat(TimeExpressions.find("What happened on December 4, 2023?", utc)).contains(period(
                "2023-12-04T00:00:00Z", "2023-12-05T00:00:00Z"));
        assertThat(TimeExpressions.find("on 2023-05-08?", utc)).contains(period(
                "2023-05-08T00:00:00Z", "2023-05-09T00:00:00Z"));
        assertThat(TimeExpressions.find("Which activity did Sam take up in October 2023?", utc)).contains(period(
                "2023-10-01T00:00:00Z", "2023-11-01T00:00:00Z"));
        assertThat(TimeExpressions.find("What did Evan paint in 2023?", utc)).contains(period(
                "2023-01-01T00:00:00Z", "2024-01-01T00:00:00Z"));
        assertThat(TimeExpressions.find("the night of 31 February 2023", utc)).isEmpty();
        assertThat(TimeExpressions.find("When did Caroline go to the support group?", utc)).isEmpty();
        assertThat(TimeExpressions.find("on 8 May 2023", ZoneId.of("Europe/Warsaw"))).contains(period(
                "2023-05-07T22:00:00Z", "2023-05-08T22:00:00Z"));
        TimeExpressions.Period may8 = period("2023-05-08T00:00:00Z", "2023-05-09T00:00:00Z");
        assertThat(may8.contains(Instant.parse("2023-05-08T23:59:59Z").toEpochMilli())).isTrue();
        assertThat(may8.contains(Instant.parse("2023-05-09T00:00:00Z").toEpochMilli())).isFalse();
        assertThat(may8.contains(MemoryEntry.NO_TIME)).isFalse();
    }

    private static TimeExpressions.Period period(String start, String end) {
        return new TimeExpressions.Period(Instant.parse(start).toEpochMilli(), Instant.parse(end).toEpochMilli());
    }

    @Test
    void rank_fusion_adds_weight_over_k_plus_rank_for_covered_items() {
        double[] fused = new double[4];
        RankFusion.addRanks(fused, new double[] {0.9, 0.1, 0.5, 0.5}, null, 1.0, 60);
        assertThat(fused).containsExactly(1.0 / 61, 1.0 / 64, 1.0 / 63, 1.0 / 62); // tie: the later-written first
        RankFusion.addRanks(fused, new double[] {3, 9, 0, 0}, new boolean[] {true, true, false, false}, 2.0, 60);
        assertThat(fused[1]).isCloseTo(1.0 / 64 + 2.0 / 61, within(1e-15));
        assertThat(fused[0]).isCloseTo(1.0 / 61 + 2.0 / 62, within(1e-15));
        assertThat(fused[2]).isEqualTo(1.0 / 63);
        assertThat(RankFusion.order(fused)).containsExactly(0, 1, 3, 2);
    }

    @Test
    void one_write_of_a_key_gives_the_delta_rule_closed_form_and_its_read_removes_the_key() {
        int d = 8;
        MemoryConfig config = ExpectationMemory.defaultConfig(d);
        ExpectationMemory memory = new ExpectationMemory(config, ExpectationMemory.identityParameters(config), true);
        double theta = ExpectationMemory.DEFAULT_THETA;
        float[] k = {0.6f, 0.8f, 0, 0, 0, 0, 0, 0};
        // from M = 0: the gradient of ‖Mk − k‖² is −2 k kᵀ, of norm 2‖k‖² = 2
        assertThat(memory.write(k)).isCloseTo(2.0, within(1e-6));
        double[] q = {1, 0, 0.5, 0, 0, 0, 0, 0};
        double qNorm = Math.sqrt(1.25);
        double kq = 0.6 / qNorm;
        double[] expected = new double[d];
        double n = 0;
        for (int i = 0; i < d; i++) {
            expected[i] = q[i] / qNorm - 2 * theta * kq * k[i]; // q̂ − M q̂ with M = 2θ k kᵀ
            n += expected[i] * expected[i];
        }
        double[] r = memory.surprise(q);
        for (int i = 0; i < d; i++) {
            assertThat(r[i]).isCloseTo(expected[i] / Math.sqrt(n), within(1e-6));
        }
    }

    @Test
    void repeated_writes_of_orthonormal_keys_converge_as_the_closed_form_says() {
        int d = 6;
        MemoryConfig config = ExpectationMemory.defaultConfig(d);
        ExpectationMemory memory = new ExpectationMemory(config, ExpectationMemory.identityParameters(config), true);
        double step = 2 * ExpectationMemory.DEFAULT_THETA;
        int passes = 25;
        for (int p = 0; p < passes; p++) {
            memory.write(new float[] {1, 0, 0, 0, 0, 0});
            memory.write(new float[] {0, 1, 0, 0, 0, 0});
        }
        // along each written direction M's coefficient follows c ← c + 2θ(1 − c): c = 1 − (1 − 2θ)^passes
        double c = 1 - Math.pow(1 - step, passes);
        double[] q = {1, 1, 1, 0, 0, 0};
        double[] expected = {(1 - c), (1 - c), 1, 0, 0, 0};
        double n = Math.sqrt(2 * (1 - c) * (1 - c) + 1);
        double[] r = memory.surprise(q);
        for (int i = 0; i < d; i++) {
            assertThat(r[i]).isCloseTo(expected[i] / n, within(1e-5));
        }
        ExpectationMemory noWrites = new ExpectationMemory(config, ExpectationMemory.identityParameters(config),
                false);
        noWrites.write(new float[] {1, 0, 0, 0, 0, 0});
        assertThat(noWrites.surprise(q)).containsExactly(q);
    }
}
