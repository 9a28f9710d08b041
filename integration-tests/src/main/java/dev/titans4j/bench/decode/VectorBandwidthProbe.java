package dev.titans4j.bench.decode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Memory read bandwidth as a vectorised kernel streams it: threads sum disjoint parts of one large array with four
 * independent SIMD accumulators (the incubating Vector API: full-width loads, as ONNX Runtime's and llama.cpp's
 * kernels read weights), so the loop is bound by memory, not by adds; the median of several passes. The scalar
 * {@link BandwidthProbe} under-reads: decode ran at 119-180% of its bound. {@link VectorReadKernel} runs in a
 * child JVM with {@code --add-modules jdk.incubator.vector} (the benchmark's own JVM and tests need no flag).
 */
final class VectorBandwidthProbe {

    private VectorBandwidthProbe() {
    }

    /** Median GB/s (10^9 bytes) of {@code passes} reads with {@code threads} threads, measured in a child JVM. */
    static double gigabytesPerSecond(int megabytes, int threads, int passes) throws IOException,
            InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "--add-modules", "jdk.incubator.vector",
                "-Xmx" + (megabytes + 256) + "m", "-cp", System.getProperty("java.class.path"),
                VectorReadKernel.class.getName(), String.valueOf(megabytes), String.valueOf(threads),
                String.valueOf(passes));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> other = new ArrayList<>();
        Double result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(VectorReadKernel.RESULT)) {
                    result = Double.parseDouble(line.substring(VectorReadKernel.RESULT.length()));
                } else if (!line.contains("incubat")) { // the JVM's notice about the incubating module
                    other.add(line);
                }
            }
        }
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        if (result == null) {
            throw new IOException("bandwidth probe exited with " + process.exitValue() + ": "
                    + String.join(" | ", other));
        }
        return result;
    }
}
