package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.t2.TestModels;
import org.junit.jupiter.api.Test;

/**
 * Intra-op spinning is on unless turned off (ONNX Runtime's default), and either setting is accepted by ONNX Runtime (an unknown key or
 * value would fail the session) without changing what the model computes.
 */
class IntraOpSpinningTest {

    @Test
    void on_by_default_and_kept_by_the_other_withers() {
        EngineOptions options = EngineOptions.defaults();
        assertThat(options.intraOpSpinning()).isTrue();
        EngineOptions sleeping = options.withIntraOpSpinning(false).withIntraOpThreads(2).withMaxContextLength(64)
                .withExecutionProvider(ExecutionProvider.CPU).withCudaDeviceId(0);
        assertThat(sleeping.intraOpSpinning()).isFalse();
        assertThat(sleeping.intraOpThreads()).isEqualTo(2);
        assertThat(sleeping.maxContextLength()).isEqualTo(64);
    }

    @Test
    void both_settings_load_and_decode_the_same_tokens() {
        assertThat(greedy(EngineOptions.defaults().withIntraOpThreads(2).withIntraOpSpinning(false)))
                .isEqualTo(greedy(EngineOptions.defaults().withIntraOpThreads(2)));
    }

    private static int[] greedy(EngineOptions options) {
        try (OnnxModel model = OnnxModel.load(TestModels.stories260K(), options);
             DecoderSession session = model.newSession()) {
            int[] ids = new int[16];
            ids[0] = argmax(session.prefill(new int[] {1, 403, 407, 261, 378}));
            for (int i = 1; i < ids.length; i++) {
                ids[i] = argmax(session.decode(ids[i - 1]));
            }
            return ids;
        }
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
