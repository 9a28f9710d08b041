package dev.titans4j.titans.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The closed-form gradient of ℓ = ‖M(k) − v‖² against central finite differences, for every memory shape. */
class GradientCheckTest {

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("linear", MemoryConfig.builder().inputDimension(4).linear().build()),
                Arguments.of("linear, dk != dv", MemoryConfig.builder().inputDimension(4).keyDimension(3)
                        .valueDimension(5).linear().build()),
                Arguments.of("linear + residual", MemoryConfig.builder().inputDimension(4).layers(1)
                        .residual(true).build()),
                Arguments.of("linear + LayerNorm", MemoryConfig.builder().inputDimension(4).linear()
                        .layerNorm(true).build()),
                Arguments.of("deep L=2 GELU residual", MemoryConfig.builder().inputDimension(4).expansion(2)
                        .activation(Activation.GELU).build()),
                Arguments.of("deep L=2 SiLU residual", MemoryConfig.builder().inputDimension(4).expansion(2)
                        .activation(Activation.SILU).build()),
                Arguments.of("deep L=2 GELU no residual dk != dv", MemoryConfig.builder().inputDimension(4)
                        .keyDimension(3).valueDimension(5).residual(false).build()),
                Arguments.of("deep L=3 SiLU residual LayerNorm", MemoryConfig.builder().inputDimension(4)
                        .layers(3).expansion(2).activation(Activation.SILU).layerNorm(true).build()),
                Arguments.of("deep L=4 GELU LayerNorm", MemoryConfig.builder().inputDimension(3).layers(4)
                        .expansion(2).layerNorm(true).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void closedFormGradientMatchesCentralDifferences(String name, MemoryConfig config) {
        MemoryNetwork net = new MemoryNetwork(config);
        Random rnd = new Random(name.hashCode());
        double[] w = KeyValueStreams.randomVector(rnd, net.size(), 0.7);
        double[] k = KeyValueStreams.randomVector(rnd, config.keyDimension(), 1.0);
        double[] v = KeyValueStreams.randomVector(rnd, config.valueDimension(), 1.0);

        MemoryNetwork.Trace t = net.newTrace(1);
        System.arraycopy(k, 0, t.key(0), 0, k.length);
        System.arraycopy(v, 0, t.v[0], 0, v.length);
        net.forward(net.toRows(w), t, 0, 1);
        net.backward(net.toRows(w), t, 0, 1);
        double[] analytic = new double[net.size()];
        net.gradient(t, 0, analytic);

        double h = 1e-5;
        double sq = 0;
        for (int i = 0; i < w.length; i++) {
            double saved = w[i];
            w[i] = saved + h;
            double plus = loss(net, w, k, v);
            w[i] = saved - h;
            double minus = loss(net, w, k, v);
            w[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            assertThat(Math.abs(analytic[i] - numeric))
                    .as("%s: weight %d analytic %s numeric %s", name, i, analytic[i], numeric)
                    .isLessThanOrEqualTo(1e-7 * Math.max(1.0, Math.abs(numeric)));
            sq += analytic[i] * analytic[i];
        }
        assertThat(loss(net, w, k, v)).isEqualTo(t.loss[0]);
        assertThat(t.gradNorm[0]).isCloseTo(Math.sqrt(sq), org.assertj.core.data.Offset.offset(1e-12 * Math.sqrt(sq)));
        assertThat(Math.sqrt(sq)).isGreaterThan(1e-3); // a vanishing gradient would make the check vacuous
    }

    @org.junit.jupiter.api.Test
    void activationDerivativesMatchCentralDifferencesAndTheFusedForm() {
        for (Activation act : Activation.values()) {
            for (double z = -6; z <= 6; z += 0.37) {
                double numeric = (act.apply(z + 1e-6) - act.apply(z - 1e-6)) / 2e-6;
                assertThat(act.derivative(z)).as("%s at %s", act, z)
                        .isCloseTo(numeric, org.assertj.core.data.Offset.offset(1e-8));
                double[] zs = {z};
                double[] value = new double[1];
                act.applyKeepingDerivative(zs, value, 1);
                assertThat(value[0]).isEqualTo(act.apply(z));
                assertThat(zs[0]).isCloseTo(act.derivative(z), org.assertj.core.data.Offset.offset(1e-15));
            }
        }
        assertThat(Activation.GELU.apply(1.0)).isCloseTo(0.8411919906, org.assertj.core.data.Offset.offset(1e-9));
    }

    private static double loss(MemoryNetwork net, double[] w, double[] k, double[] v) {
        MemoryNetwork.Trace t = net.newTrace(1);
        System.arraycopy(k, 0, t.key(0), 0, k.length);
        net.forward(net.toRows(w), t, 0, 1);
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            double e = t.y[0][i] - v[i];
            s += e * e;
        }
        return s;
    }
}
