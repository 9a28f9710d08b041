package dev.titans4j.t2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sampling defaults follow Hugging Face's reading of generation_config.json. */
class GenerationDefaultsTest {

    @TempDir
    Path folder;

    @Test
    void do_sample_brings_the_configured_sampling_with_hugging_faces_top_k_default() throws IOException {
        Files.writeString(folder.resolve("generation_config.json"),
                "{\"do_sample\": true, \"temperature\": 0.6, \"top_p\": 0.9, \"repetition_penalty\": 1.1}");
        OnnxChatRequestParameters p = GenerationDefaults.read(folder, "generation_config.json");
        assertThat(p.temperature()).isEqualTo(0.6);
        assertThat(p.topP()).isEqualTo(0.9);
        assertThat(p.topK()).isEqualTo(50);
        assertThat(p.repetitionPenalty()).isEqualTo(1.1);
        assertThat(p.minP()).isNull();
    }

    @Test
    void without_do_sample_or_without_a_file_decoding_is_greedy() throws IOException {
        Files.writeString(folder.resolve("generation_config.json"), "{\"temperature\": 0.6, \"eos_token_id\": 2}");
        assertThat(GenerationDefaults.read(folder, "generation_config.json").temperature()).isZero();
        assertThat(GenerationDefaults.read(folder, null).temperature()).isZero();
        assertThat(GenerationDefaults.read(folder, "missing.json").temperature()).isZero();
    }

    @Test
    void a_broken_file_is_reported() throws IOException {
        Files.writeString(folder.resolve("generation_config.json"), "{do_sample: ");
        assertThatThrownBy(() -> GenerationDefaults.read(folder, "generation_config.json"))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("generation_config.json");
    }
}
