package dev.titans4j.export.reference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.export.testing.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference forward pass against outputs of an independent implementation (llama2.c's run.c, on the original
 * stories260K checkpoint): this is what makes {@link ReferenceModel} trustworthy as a yardstick for the exporter.
 */
class ReferenceModelStoriesTest {

    private static final int[] ONCE_UPON_A_TIME = {1, 403, 407, 261, 378};

    private static Path model;
    private static ReferenceModel reference;
    private static JsonNode outputs;

    @BeforeAll
    static void load() throws IOException {
        model = SharedData.require("models/stories260K");
        reference = ReferenceModel.load(model);
        outputs = new ObjectMapper().readTree(model.resolve("reference_outputs.json").toFile());
    }

    @Test
    void firstGeneratedPositionMatchesRunCLogits() throws IOException {
        double[] expected = new double[512];
        for (String line : Files.readAllLines(model.resolve("reference_first_logits_once_upon_a_time.txt"))) {
            String[] parts = line.trim().split("\\s+");
            expected[Integer.parseInt(parts[0])] = Double.parseDouble(parts[1]);
        }
        double[][] logits = reference.logits(ONCE_UPON_A_TIME);
        double[] last = logits[ONCE_UPON_A_TIME.length - 1];

        assertThat(maxAbsDifference(last, expected)).isLessThan(1e-4);
        assertThat(argmax(last)).isEqualTo(outputs.at("/once_upon_a_time/generated_ids/0").asInt());
    }

    @Test
    void teacherForcedLogitsMatchRunCFor64Positions() throws IOException {
        float[] file = readFloats(model.resolve("reference_teacher_forced_logits_once_upon_a_time_64x512.f32"));
        int[] tokens = prefix(sequence("once_upon_a_time", "generated_ids"), 64);

        double[][] logits = reference.logits(tokens);

        double worst = 0;
        for (int t = 0; t < 64; t++) {
            for (int v = 0; v < 512; v++) {
                worst = Math.max(worst, Math.abs(logits[t][v] - file[t * 512 + v]));
            }
        }
        assertThat(worst).isLessThan(1e-4);
    }

    /**
     * Greedy decoding reproduces the reference ids. Feeding prompt + reference continuation once and checking that
     * every position's argmax is the next reference token is equivalent to a greedy loop, at one pass's cost.
     */
    @Test
    void argmaxAlongReferenceContinuationsIsTheGreedyPath() {
        for (String prompt : List.of("once_upon_a_time", "empty")) {
            int[] ids = sequence(prompt, "no_bos_stop_generated_ids");
            int promptLength = outputs.get(prompt).get("prompt_ids").size();
            double[][] logits = reference.logits(prefix(ids, ids.length - 1));

            List<Integer> greedy = new ArrayList<>();
            List<Integer> expected = new ArrayList<>();
            for (int t = promptLength - 1; t < ids.length - 1; t++) {
                greedy.add(argmax(logits[t]));
                expected.add(ids[t + 1]);
            }
            assertThat(greedy).as(prompt).hasSize(ids.length - promptLength).isEqualTo(expected);
        }
    }

    private static int[] sequence(String prompt, String continuation) {
        List<Integer> ids = new ArrayList<>();
        outputs.get(prompt).get("prompt_ids").forEach(n -> ids.add(n.asInt()));
        outputs.get(prompt).get(continuation).forEach(n -> ids.add(n.asInt()));
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] prefix(int[] ids, int length) {
        return java.util.Arrays.copyOf(ids, length);
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    static double maxAbsDifference(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
