package dev.titans4j.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --threads} of the commands that run a model. Bounded because ONNX Runtime starts every thread it is asked
 * for before the first step: {@code --threads 100000} never returned.
 */
final class ThreadsOption {

    /** More threads than this per core only add contention on a memory-bound decoder. */
    static final int MAX_PER_CORE = 4;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    private int threads;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime intra-op threads; 0 = one per physical core")
    void setThreads(int threads) {
        int max = max();
        if (threads < 0 || threads > max) {
            throw new ParameterException(command.commandLine(), "--threads must be between 0 (one per physical core)"
                    + " and " + max + " (" + MAX_PER_CORE + " per core of this machine), got " + threads);
        }
        this.threads = threads;
    }

    int threads() {
        return threads;
    }

    static int max() {
        return MAX_PER_CORE * Runtime.getRuntime().availableProcessors();
    }
}
