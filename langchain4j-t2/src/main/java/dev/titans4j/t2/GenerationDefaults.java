package dev.titans4j.t2;

import dev.titans4j.export.hf.ChatSettings;
import dev.titans4j.export.manifest.ModelManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model's own sampling defaults, as Hugging Face's {@code generate} takes them from
 * {@code generation_config.json}: sampling (temperature, top-p, top-k) only when {@code do_sample} is true,
 * greedy decoding otherwise; {@code max_new_tokens} when set. The exporter records them in the manifest; only
 * manifests written before that (version 1) have them read from the copied file. Builder settings and request
 * parameters override these.
 */
final class GenerationDefaults {

    /** Hugging Face's default top-k when sampling and the config does not say. */
    private static final int HF_DEFAULT_TOP_K = 50;

    private GenerationDefaults() {
    }

    static OnnxChatRequestParameters forManifest(ModelManifest manifest, Path modelFolder) {
        return manifest.hasChatSettings() ? of(manifest.generation())
                : read(modelFolder, manifest.files().generationConfig());
    }

    /** From the copied {@code generation_config.json} (version 1 manifests); greedy when there is none. */
    static OnnxChatRequestParameters read(Path modelFolder, String generationConfigFile) {
        Path file = generationConfigFile == null ? null : modelFolder.resolve(generationConfigFile);
        if (file == null || !Files.isRegularFile(file)) {
            return greedy().build();
        }
        try {
            return of(ChatSettings.generation(modelFolder));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file + ": " + e.getMessage(), e);
        }
    }

    static OnnxChatRequestParameters of(ModelManifest.Generation g) {
        if (!g.doSample()) {
            return greedy().maxOutputTokens(g.maxNewTokens()).build();
        }
        return OnnxChatRequestParameters.builder()
                .temperature(g.temperature() == null ? 1.0 : g.temperature())
                .topP(g.topP() == null ? 1.0 : g.topP())
                .topK(g.topK() == null ? HF_DEFAULT_TOP_K : g.topK())
                .minP(g.minP())
                .repetitionPenalty(g.repetitionPenalty())
                .maxOutputTokens(g.maxNewTokens())
                .build();
    }

    private static OnnxChatRequestParameters.Builder greedy() {
        return OnnxChatRequestParameters.builder().temperature(0.0);
    }
}
