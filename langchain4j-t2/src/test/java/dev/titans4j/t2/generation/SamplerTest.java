package dev.titans4j.t2.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplerTest {

    @Test
    void greedyIsArgmaxWithTiesToTheLowestId() {
        Sampler greedy = new Sampler(SamplingParameters.greedy());
        assertThat(greedy.next(new float[] {1, 3, 3, 2}, null)).isEqualTo(1);
        assertThat(greedy.next(new float[] {-5, -1, -7}, null)).isEqualTo(1);
        assertThat(greedy.next(new float[] {Float.NEGATIVE_INFINITY, -1e30f}, null)).isEqualTo(1);
        Sampler sampling = new Sampler(SamplingParameters.builder().topP(0.5).seed(3L).build());
        assertThat(sampling.next(new float[] {0, Float.POSITIVE_INFINITY, 1}, null)).isEqualTo(1);
        assertThat(new Sampler(SamplingParameters.builder().topK(1).temperature(5.0).build())
                .next(new float[] {0, 9, 9}, null)).isEqualTo(1);
    }

    @Test
    void repetitionPenaltyAsHuggingFace() {
        float[] logits = {2f, -2f, 1f, 0f};
        TokenHistory history = new TokenHistory(4).addPrompt(new int[] {0, 1, 3});
        Sampler sampler = new Sampler(SamplingParameters.builder().temperature(0.0).repetitionPenalty(2.0).build());
        assertThat(sampler.next(logits, history)).isEqualTo(0); // 1 and 1: tie, lowest id
        assertThat(logits).containsExactly(1f, -4f, 1f, 0f);
    }

    @Test
    void frequencyAndPresencePenaltiesAsOpenAi() {
        TokenHistory history = new TokenHistory(3).addPrompt(new int[] {2}); // prompt tokens do not count here
        history.add(0);
        history.add(0);
        history.add(1);
        float[] logits = {5f, 5f, 5f};
        new Sampler(SamplingParameters.builder().temperature(0.0).frequencyPenalty(0.5).presencePenalty(0.25).build())
                .next(logits, history);
        assertThat(logits[0]).isCloseTo(5f - (0.5f * 2 + 0.25f), within(1e-6f));
        assertThat(logits[1]).isCloseTo(5f - (0.5f + 0.25f), within(1e-6f));
        assertThat(logits[2]).isEqualTo(5f);
        assertThat(history.generatedCount(0)).isEqualTo(2);
        assertThat(history.generatedTokens()).isEqualTo(3);
        assertThat(history.seen(2)).isTrue();
    }

    /** The sampled distribution equals a plain reference implementation (full sort, softmax, HF filter rules). */
    @Test
    void distributionMatchesReferenceImplementation() {
        Random random = new Random(3);
        int[] vocabs = {7, 300, 3000}; // 3000 flat: the top-p slice must grow past its first 256 ids
        double[] temperatures = {0.3, 1.7};
        int[] topKs = {0, 5, 50};
        double[] topPs = {1.0, 0.9, 0.35};
        double[] minPs = {0.0, 0.05};
        for (int vocab : vocabs) {
            for (boolean flat : new boolean[] {false, true}) {
                float[] logits = randomLogits(random, vocab, flat ? 0.05 : 3.0);
                TokenHistory history = new TokenHistory(vocab).addPrompt(new int[] {0, vocab / 2});
                history.add(vocab - 1);
                history.add(vocab - 1);
                Reference reference = new Reference(logits, 1.3, 0.4, 0.2, history);
                for (double t : temperatures) {
                    for (int k : topKs) {
                        for (double p : topPs) {
                            for (double minP : minPs) {
                                SamplingParameters params = SamplingParameters.builder().temperature(t).topK(k)
                                        .topP(p).minP(minP).repetitionPenalty(1.3).frequencyPenalty(0.4)
                                        .presencePenalty(0.2).seed(1L).build();
                                double[] expected = reference.probabilities(params);
                                double[] actual = new Sampler(params).probabilities(logits, history);
                                int worst = -1; // one assertion per case: formatting a message per id is slow
                                for (int i = 0; i < vocab; i++) {
                                    if (Math.abs(actual[i] - expected[i]) > 1e-12 + 1e-9 * expected[i]) {
                                        worst = i;
                                    }
                                }
                                assertThat(worst).as("%s vocab %d flat %s: id %d differs", params, vocab, flat, worst)
                                        .isEqualTo(-1);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void drawsFollowTheDistribution() {
        float[] logits = {2.0f, 1.5f, 1.0f, 0.2f, -1f, -3f};
        for (SamplingParameters params : new SamplingParameters[] {
                SamplingParameters.builder().temperature(1.0).seed(42L).build(),
                SamplingParameters.builder().temperature(0.7).topK(4).seed(42L).build(),
                SamplingParameters.builder().temperature(1.2).topP(0.8).seed(42L).build(),
                SamplingParameters.builder().temperature(1.0).minP(0.2).seed(42L).build()}) {
            Sampler sampler = new Sampler(params);
            double[] expected = sampler.probabilities(logits, null);
            int draws = 40_000;
            int[] counts = new int[logits.length];
            for (int i = 0; i < draws; i++) {
                counts[sampler.next(logits.clone(), null)]++;
            }
            for (int id = 0; id < logits.length; id++) {
                double sd = Math.sqrt(expected[id] * (1 - expected[id]) / draws);
                assertThat((double) counts[id] / draws).as("%s id %d", params, id)
                        .isCloseTo(expected[id], within(5 * sd + 1e-12));
            }
        }
    }

    @Test
    void sameSeedSameTokensOtherSeedOtherTokens() {
        Random random = new Random(5);
        float[][] steps = IntStream.range(0, 200).mapToObj(i -> randomLogits(random, 1000, 1.0)).toArray(float[][]::new);
        int[] a = run(SamplingParameters.builder().temperature(1.0).topP(0.95).seed(123L).build(), steps);
        int[] b = run(SamplingParameters.builder().temperature(1.0).topP(0.95).seed(123L).build(), steps);
        int[] c = run(SamplingParameters.builder().temperature(1.0).topP(0.95).seed(124L).build(), steps);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void brokenLogitsAndMissingHistoryAreClearErrors() {
        Sampler sampler = new Sampler(SamplingParameters.builder().seed(1L).build());
        assertThatThrownBy(() -> sampler.next(new float[] {0, Float.NaN}, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> sampler.next(new float[] {Float.NEGATIVE_INFINITY}, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("-infinity");
        assertThatThrownBy(() -> sampler.next(new float[0], null)).hasMessageContaining("empty");
        Sampler penalised = new Sampler(SamplingParameters.builder().repetitionPenalty(1.1).build());
        assertThatThrownBy(() -> penalised.next(new float[] {1, 2}, null)).hasMessageContaining("history");
        assertThatThrownBy(() -> penalised.next(new float[] {1, 2}, new TokenHistory(3)))
                .hasMessageContaining("3").hasMessageContaining("2");
        assertThatThrownBy(() -> new TokenHistory(3).add(3)).hasMessageContaining("outside");
    }

    private static int[] run(SamplingParameters params, float[][] steps) {
        Sampler sampler = new Sampler(params);
        return Arrays.stream(steps).mapToInt(l -> sampler.next(l.clone(), null)).toArray();
    }

    static float[] randomLogits(Random random, int vocab, double spread) {
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (random.nextGaussian() * spread);
        }
        return logits;
    }

    /** Straightforward, slow re-statement of the rules: penalties, /T, top-k, softmax, top-p, min-p. */
    static final class Reference {
        private final double[] l;
        private final Integer[] order;

        Reference(float[] input, double repetition, double frequency, double presence, TokenHistory history) {
            int v = input.length;
            l = new double[v];
            for (int i = 0; i < v; i++) {
                float x = input[i];
                if (history.seen(i) && repetition != 1) {
                    float rp = (float) repetition;
                    x = x < 0 ? x * rp : x / rp;
                }
                if (history.generatedCount(i) > 0) {
                    x = (float) (x - (frequency * history.generatedCount(i) + presence));
                }
                l[i] = x;
            }
            order = IntStream.range(0, v).boxed().sorted(Comparator.comparingDouble((Integer i) -> -l[i])
                    .thenComparingInt(i -> i)).toArray(Integer[]::new);
        }

        double[] probabilities(SamplingParameters p) {
            int v = l.length;
            double[] prob = new double[v];
            if (p.isGreedy()) {
                prob[order[0]] = 1;
                return prob;
            }
            int keep = p.topK() > 0 ? Math.min(p.topK(), v) : v;
            double sum = 0;
            for (int r = 0; r < keep; r++) {
                sum += Math.exp((l[order[r]] - l[order[0]]) / p.temperature());
            }
            double cumulative = 0;
            int nucleus = 0;
            while (nucleus < keep && (nucleus == 0 || cumulative < p.topP() * sum || p.topP() >= 1)) {
                cumulative += Math.exp((l[order[nucleus]] - l[order[0]]) / p.temperature());
                nucleus++;
            }
            double total = 0;
            for (int r = 0; r < nucleus; r++) {
                double w = Math.exp((l[order[r]] - l[order[0]]) / p.temperature());
                if (w >= p.minP()) {
                    prob[order[r]] = w;
                    total += w;
                }
            }
            for (int i = 0; i < v; i++) {
                prob[i] /= total;
            }
            return prob;
        }
    }
}
