package dev.titans4j.bench.decode;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * Memory read bandwidth as a vectorised kernel streams it: threads sum disjoint parts of one large array with four
 * independent SIMD accumulators (the incubating Vector API: full-width loads, as ONNX Runtime's and llama.cpp's
 * kernels read weights), so the loop is bound by memory, not by adds. A bound is what the machine can stream, and
 * other work only ever slows a pass down, so the fastest of several passes is the estimate. The scalar
 * {@link BandwidthProbe} under-reads: decode ran at 119-180% of its bound. {@link VectorReadKernel} runs in a
 * child JVM with {@code --add-modules jdk.incubator.vector} (the benchmark's own JVM and tests need no flag).
 */
final class VectorBandwidthProbe {

    private VectorBandwidthProbe() {
    }

    /** GB/s (10^9 bytes) of the fastest of {@code passes} reads with {@code threads} threads, in a child JVM. */
    static double gigabytesPerSecond(int megabytes, int threads, int passes, PrintStream log) throws IOException,
            InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "--add-modules", "jdk.incubator.vector",
                "-Xmx" + (megabytes + 256) + "m", "-cp", System.getProperty("java.class.path"),
                VectorReadKernel.class.getName(), String.valueOf(megabytes), String.valueOf(threads),
                String.valueOf(passes));
        ChildProcess.Output output = ChildProcess.run(command, VectorReadKernel.RESULT, "bandwidth probe", log);
        if (output.exitValue() != 0 || output.results().isEmpty()) {
            throw new IOException("bandwidth probe exited with " + output.exitValue() + ": " + output.lastLines(3));
        }
        return Double.parseDouble(output.results().get(0));
    }
}
