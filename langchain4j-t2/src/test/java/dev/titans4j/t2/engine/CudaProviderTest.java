package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtProvider;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The CUDA provider's checks and settings; what needs a GPU runs in integration-tests/gpu-check.sh. */
class CudaProviderTest {

    @Test
    void aRuntimeWithoutCudaIsRefusedNamingTheCudaBuild() {
        assertThatThrownBy(() -> CudaProvider.requireAvailable(EnumSet.of(OrtProvider.CPU)))
                .isInstanceOf(EngineException.class)
                .hasMessage("The CUDA execution provider was requested but the ONNX Runtime on the class path has"
                        + " none (it offers [CPU]): build with the Maven profile -Pcuda (mvn -Pcuda package), which"
                        + " replaces com.microsoft.onnxruntime:onnxruntime with onnxruntime_gpu; it needs CUDA 12.x"
                        + " (libcudart.so.12, libcublas.so.12, libcublasLt.so.12, libcufft.so.11, libcurand.so.10)"
                        + " and cuDNN 9.x (libcudnn.so.9) on the library path, and an NVIDIA driver for CUDA 12 or"
                        + " later");
        assertThatCode(() -> CudaProvider.requireAvailable(EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA)))
                .doesNotThrowAnyException();
    }

    @Test
    void onlyFp16ExportsRunOnCuda() {
        Path folder = Path.of("models", "b-int4");
        assertThatThrownBy(() -> CudaProvider.requireFp16(folder, Precision.int4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(folder + " is a int4 export; the CUDA execution provider runs fp16 exports only (ONNX"
                        + " Runtime's CUDA GroupQueryAttention has fp16 and bf16 kernels, not the float32 that fp32"
                        + " and int4 graphs compute in): export it again with --precision fp16");
        assertThatThrownBy(() -> CudaProvider.requireFp16(folder, Precision.fp32))
                .hasMessageStartingWith(folder + " is a fp32 export;");
        assertThatCode(() -> CudaProvider.requireFp16(folder, Precision.fp16)).doesNotThrowAnyException();
    }
}
