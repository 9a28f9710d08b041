package dev.titans4j.t2.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplingParametersTest {

    @Test
    void defaultsAreNeutral() {
        SamplingParameters p = SamplingParameters.builder().build();
        assertThat(p.temperature()).isEqualTo(1.0);
        assertThat(p.topK()).isZero();
        assertThat(p.topP()).isEqualTo(1.0);
        assertThat(p.minP()).isZero();
        assertThat(p.seed()).isNull();
        assertThat(p.repetitionPenalty()).isEqualTo(1.0);
        assertThat(p.isGreedy()).isFalse();
        assertThat(SamplingParameters.greedy().isGreedy()).isTrue();
        assertThat(SamplingParameters.builder().temperature(null).topK(null).build()).isEqualTo(p);
        assertThat(p.toBuilder().seed(5L).build().seed()).isEqualTo(5L);
    }

    @Test
    void invalidValuesGetMessagesNamingTheParameter() {
        assertThatThrownBy(() -> SamplingParameters.builder().temperature(-0.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplingParameters.builder().temperature(Double.NaN).build())
                .hasMessageContaining("temperature");
        assertThatThrownBy(() -> SamplingParameters.builder().topK(-1).build()).hasMessageContaining("topK");
        assertThatThrownBy(() -> SamplingParameters.builder().topP(0.0).build()).hasMessageContaining("topP");
        assertThatThrownBy(() -> SamplingParameters.builder().topP(1.5).build()).hasMessageContaining("topP");
        assertThatThrownBy(() -> SamplingParameters.builder().minP(1.0).build()).hasMessageContaining("minP");
        assertThatThrownBy(() -> SamplingParameters.builder().repetitionPenalty(0.0).build())
                .hasMessageContaining("repetitionPenalty");
        assertThatThrownBy(() -> SamplingParameters.builder().frequencyPenalty(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("frequencyPenalty");
        assertThatThrownBy(() -> SamplingParameters.builder().presencePenalty(Double.NaN).build())
                .hasMessageContaining("presencePenalty");
    }
}
