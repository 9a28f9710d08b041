package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading mistakes get messages that name the problem, before or instead of an ONNX Runtime failure. */
class OnnxModelLoadTest {

    @TempDir
    Path temp;

    @Test
    void a_missing_folder() {
        assertThatThrownBy(() -> OnnxModel.load(temp.resolve("nope"), EngineOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }

    @Test
    void a_hugging_face_folder_instead_of_an_export() {
        Path source = TestModels.stories260KSource(); // outside the assertion, so absent shared data skips
        assertThatThrownBy(() -> OnnxModel.load(source, EngineOptions.defaults()))
                .isInstanceOf(ModelManifest.InvalidManifestException.class)
                .hasMessageContaining("titans4j export");
    }

    @Test
    void a_manifest_whose_model_file_is_missing() throws IOException {
        Path copy = copyOfStories();
        Files.delete(copy.resolve("model.onnx"));
        assertThatThrownBy(() -> OnnxModel.load(copy, EngineOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.onnx named in the manifest does not exist");
    }

    @Test
    void a_manifest_that_does_not_match_the_graph() throws IOException {
        Path copy = copyOfStories();
        Path manifest = copy.resolve(ModelManifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest)
                .replaceFirst("\"logits\"\\s*:\\s*\"logits\"", "\"logits\" : \"scores\""));
        assertThatThrownBy(() -> OnnxModel.load(copy, EngineOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match its manifest").hasMessageContaining("output scores");
    }

    @Test
    void cuda_on_the_cpu_only_build() {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));
        Path model = TestModels.stories260K();
        assertThatThrownBy(() -> OnnxModel.load(model,
                EngineOptions.defaults().withExecutionProvider(ExecutionProvider.CUDA)))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("The CUDA execution provider was requested but the ONNX Runtime on the class"
                        + " path has none (it offers [CPU]): build with the Maven profile -Pcuda")
                .hasMessageNotContaining("\n");
    }

    private Path copyOfStories() throws IOException {
        Path source = TestModels.stories260K();
        Path copy = temp.resolve("copy");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return copy;
    }
}
