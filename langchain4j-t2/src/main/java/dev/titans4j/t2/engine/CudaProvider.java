package dev.titans4j.t2.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.titans4j.export.manifest.ModelManifest.Precision;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Adds ONNX Runtime's CUDA execution provider to a session, or says in one line why it cannot: the CPU-only
 * {@code onnxruntime} artifact on the class path (build with {@code -Pcuda}), or a machine whose CUDA/cuDNN
 * libraries the provider cannot load. Unmeasured: no GPU was available where this was written (README, CUDA path).
 */
final class CudaProvider {

    /** What ONNX Runtime 1.24's {@code onnxruntime_gpu} loads at run time (dlopen): CUDA 12.x and cuDNN 9.x. */
    static final String REQUIREMENTS = "CUDA 12.x (libcudart.so.12, libcublas.so.12, libcublasLt.so.12,"
            + " libcufft.so.11, libcurand.so.10) and cuDNN 9.x (libcudnn.so.9) on the library path, and an NVIDIA"
            + " driver for CUDA 12 or later";

    /**
     * Session entries for CUDA: weights are allocated exactly once on the device, outside the arena (whose
     * power-of-two growth would otherwise reserve up to twice the weights' size).
     */
    static final Map<String, String> SESSION_CONFIG = Map.of("session.use_device_allocator_for_initializers", "1");

    /**
     * CUDA provider options: the arena grows by what is asked rather than doubling (the KV caches and activations
     * of a decoder are allocated once and reused); copies between host and device on the compute stream, so a run's
     * outputs are complete when it returns.
     */
    static Map<String, String> providerOptions(int deviceId) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("device_id", Integer.toString(deviceId));
        options.put("arena_extend_strategy", "kSameAsRequested");
        options.put("do_copy_in_default_stream", "1");
        return options;
    }

    private CudaProvider() {
    }

    /** Fails with a one-line {@link EngineException} unless the ONNX Runtime on the class path has CUDA. */
    static void requireAvailable(Set<OrtProvider> available) {
        if (!available.contains(OrtProvider.CUDA)) {
            throw new EngineException("The CUDA execution provider was requested but the ONNX Runtime on the class"
                    + " path has none (it offers " + available + "): build with the Maven profile -Pcuda (mvn"
                    + " -Pcuda package), which replaces com.microsoft.onnxruntime:onnxruntime with onnxruntime_gpu;"
                    + " it needs " + REQUIREMENTS);
        }
    }

    /**
     * Fails unless the export is fp16: ONNX Runtime's CUDA GroupQueryAttention has fp16 and bf16 kernels only, so an
     * fp32 or int4 (fp32 activations) graph would run every layer's attention on the CPU, copying its activations
     * and KV cache across PCIe twice per layer and step.
     */
    static void requireFp16(Path folder, Precision precision) {
        if (precision != Precision.fp16) {
            throw new IllegalArgumentException(folder + " is a " + precision + " export; the CUDA execution provider"
                    + " runs fp16 exports only (ONNX Runtime's CUDA GroupQueryAttention has fp16 and bf16 kernels,"
                    + " not the float32 that fp32 and int4 graphs compute in): export it again with --precision"
                    + " fp16");
        }
    }

    /** Adds the CUDA provider (and its session entries) to {@code so}. */
    static void addTo(OrtSession.SessionOptions so, int deviceId) throws OrtException {
        requireAvailable(OrtEnvironment.getAvailableProviders());
        for (Map.Entry<String, String> e : SESSION_CONFIG.entrySet()) {
            so.addConfigEntry(e.getKey(), e.getValue());
        }
        try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(deviceId)) {
            for (Map.Entry<String, String> e : providerOptions(deviceId).entrySet()) {
                cuda.add(e.getKey(), e.getValue());
            }
            so.addCUDA(cuda);
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime's CUDA provider could not start on GPU " + deviceId + ": "
                    + firstLine(e.getMessage()) + "; it needs " + REQUIREMENTS, e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.isEmpty() ? "no reason given" : line;
    }
}
