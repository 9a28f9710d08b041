package dev.titans4j.bench.decode;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The memory bandwidth NVIDIA specifies for a GPU, found by the name {@code nvidia-smi} prints: the bound a decode
 * step (which reads every weight once) is measured against. Specified figures, not measured ones.
 */
final class GpuBandwidth {

    private record Part(String nameContains, double gigabytesPerSecond) {
    }

    /** First match wins: the more specific names come first. */
    private static final List<Part> PARTS = List.of(
            new Part("H200", 4800),
            new Part("H100 PCIE", 2000),
            new Part("H100 NVL", 3900),
            new Part("H100", 3350), // SXM, "NVIDIA H100 80GB HBM3"
            new Part("A100-SXM4-80GB", 2039),
            new Part("A100 80GB PCIE", 1935),
            new Part("A100", 1555),
            new Part("L40", 864),
            new Part("L4", 300));

    private GpuBandwidth() {
    }

    /** GB/s for a name as {@code nvidia-smi --query-gpu=name} prints it, or empty for a GPU not in the table. */
    static OptionalDouble ofName(String nvidiaSmiName) {
        String name = nvidiaSmiName.toUpperCase(Locale.ROOT);
        return PARTS.stream().filter(p -> name.contains(p.nameContains())).findFirst()
                .map(p -> OptionalDouble.of(p.gigabytesPerSecond())).orElse(OptionalDouble.empty());
    }
}
