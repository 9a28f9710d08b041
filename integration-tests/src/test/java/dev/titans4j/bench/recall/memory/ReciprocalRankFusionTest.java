package dev.titans4j.bench.recall.memory;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReciprocalRankFusionTest {

    @Test
    void fusesByTheSumOfReciprocalRanks() {
        List<List<String>> rankings = List.of(List.of("a", "b", "c"), List.of("c", "a", "d"));

        // by hand, k = 60: a = 1/61 + 1/62 = 0.0325225..., c = 1/63 + 1/61 = 0.0322664...,
        // b = 1/62 = 0.0161290..., d = 1/63 = 0.0158730...
        assertThat(ReciprocalRankFusion.score(rankings, 60, "a")).isCloseTo(0.03252247488101534, within(1e-15));
        assertThat(ReciprocalRankFusion.score(rankings, 60, "c")).isCloseTo(0.032266458495966696, within(1e-15));
        assertThat(ReciprocalRankFusion.fuse(rankings, 60)).containsExactly("a", "c", "b", "d");
    }

    @Test
    void smallKRewardsTopRanksMore() {
        // x is first in one list only; y is second in both. k = 0: x = 1, y = 1/2 + 1/2 = 1 (tie -> best rank: x)
        // k = 60: x = 1/61 = 0.01639, y = 2/62 = 0.03226 -> y first
        List<List<String>> rankings = List.of(List.of("x", "y"), List.of("z", "y"));

        assertThat(ReciprocalRankFusion.fuse(rankings, 0)).startsWith("x", "z", "y");
        assertThat(ReciprocalRankFusion.fuse(rankings, 60)).startsWith("y");
    }

    @Test
    void itemMissingFromARankingGetsNothingFromIt() {
        List<List<String>> rankings = List.of(List.of("a"), List.of());

        assertThat(ReciprocalRankFusion.fuse(rankings, 60)).containsExactly("a");
        assertThat(ReciprocalRankFusion.score(rankings, 60, "a")).isEqualTo(1.0 / 61);
        assertThat(ReciprocalRankFusion.fuse(List.<List<String>>of(), 60)).isEmpty();
    }
}
