package dev.titans4j.t2.generation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.export.testing.SharedData;
import dev.titans4j.t2.tokenizer.IncrementalDecoder;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Detokenizer and stop matcher together, as the generation loop chains them: over llama2.c's reference
 * generation, the emitted text is the reference text cut before the first stop sequence (spanning tokens or not).
 */
class StreamedStopTest {

    @Test
    void referenceStoryCutAtStopSequences() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(
                SharedData.require("models/stories260K/reference_outputs.json").toFile()).get("once_upon_a_time");
        int[] generated = new int[ref.get("generated_ids").size()];
        for (int i = 0; i < generated.length; i++) {
            generated[i] = ref.get("generated_ids").get(i).asInt();
        }
        String text = ref.get("text").asText();
        String continuation = text.substring("Once upon a time".length(), text.length() - 1);
        try (ModelTokenizer tok = ModelTokenizer.load(
                SharedData.require("models/stories260K/tokenizer.json"), true, 1)) {
            for (List<String> stops : List.of(List.of("Lily"), List.of(" named L", "park"), List.of("\n"),
                    List.of("zebra"), List.of("ly. She", "girl"))) {
                IncrementalDecoder decoder = tok.newIncrementalDecoder();
                StopSequenceMatcher matcher = new StopSequenceMatcher(stops);
                StringBuilder out = new StringBuilder();
                for (int id : generated) {
                    out.append(matcher.push(decoder.push(id)));
                    if (matcher.stopped()) {
                        break;
                    }
                }
                if (!matcher.stopped()) {
                    out.append(matcher.push(decoder.flush())).append(matcher.flush());
                }
                int cut = stops.stream().mapToInt(continuation::indexOf).filter(i -> i >= 0).min()
                        .orElse(continuation.length());
                assertThat(out.toString()).as(stops.toString()).isEqualTo(continuation.substring(0, cut));
            }
        }
    }
}
