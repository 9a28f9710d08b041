package dev.titans4j.t2.engine;

/** Where ONNX Runtime runs the graph. */
public enum ExecutionProvider {
    /** ONNX Runtime's default CPU kernels (the {@code onnxruntime} artifact). */
    CPU,
    /**
     * NVIDIA CUDA, for fp16 exports; needs the {@code onnxruntime_gpu} artifact (Maven profile {@code cuda}) instead
     * of {@code onnxruntime} on the class path, and CUDA 12 with cuDNN 9 on the machine.
     */
    CUDA
}
