package dev.titans4j.t2.engine;

/** Where ONNX Runtime runs the graph. */
public enum ExecutionProvider {
    /** ONNX Runtime's default CPU kernels (the {@code onnxruntime} artifact). */
    CPU,
    /** NVIDIA CUDA; needs the {@code onnxruntime_gpu} artifact instead of {@code onnxruntime} on the classpath. */
    CUDA
}
