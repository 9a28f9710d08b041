package dev.titans4j.bench.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.manifest.ModelManifest.Precision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {

    private static Row row(String engine, Precision precision, int threads, double decode) {
        return Row.measured(ModelShape.A, engine, precision, threads,
                new Speed(new double[] {100}, new double[] {decode}), 100_000_000L);
    }

    private static String render(List<Row> rows) {
        return ResultTable.render(rows, Map.of(1, 20.0, 2, 40.0), Map.of(1, 10.0, 2, 20.0), 256, 64, 1);
    }

    @Test
    void comparesWithLlamaCppAtItsFastestThreadCountWhenTwoThreadsAreSlowerThanOne() {
        String report = render(List.of(
                row("titans4j", Precision.int4, 2, 160),
                row("llama.cpp Q4_0", Precision.int4, 1, 170),
                row("llama.cpp Q4_0", Precision.int4, 2, 70)));

        assertThat(report).contains("decode 2.29x llama.cpp Q4_0 (target >= 1): met")
                .contains("decode 0.94x llama.cpp Q4_0 at its fastest, 1 thread(s) (target >= 1): NOT met");
    }

    @Test
    void addsNoSecondComparisonWhenLlamaCppIsFastestAtTheSameThreadCount() {
        String report = render(List.of(
                row("titans4j", Precision.fp32, 2, 60),
                row("llama.cpp F32", Precision.fp32, 1, 40),
                row("llama.cpp F32", Precision.fp32, 2, 50)));

        assertThat(report).contains("decode 1.20x llama.cpp F32 (target >= 1): met")
                .doesNotContain("at its fastest");
    }
}
