package dev.titans4j.cli;

import dev.titans4j.bench.recall.IngestProgress;
import dev.titans4j.bench.recall.MemoryResult;
import dev.titans4j.bench.recall.ProgressBar;
import dev.titans4j.bench.recall.RecallBenchmark;
import dev.titans4j.bench.recall.ResultJson;
import dev.titans4j.bench.recall.ResultTable;
import dev.titans4j.bench.recall.dataset.InvalidRecallDatasetException;
import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.RecallDatasetJson;
import dev.titans4j.bench.recall.memory.BudgetPolicy;
import dev.titans4j.bench.recall.memory.MemoryContext;
import dev.titans4j.bench.recall.memory.RecallMemoryFactory;
import dev.titans4j.bench.recall.memory.RecallMemoryRegistry;
import dev.titans4j.export.IoProblems;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code recall-bench}: evidence recall of conversation memories under one token budget (issue 8). Tokens are
 * estimated as {@code ceil(words × 1.3)} for every memory; retrieval memories keep {@code --recent-share} of the
 * budget for the recent window and recall older turns into the rest.
 */
@Command(name = "recall-bench", mixinStandardHelpOptions = true,
        description = {"Evidence recall of conversation memories under a token budget.",
                "Tokens = ceil(words x 1.3) of the injected message text, for every memory.",
                "Memories: window, embedding, bm25, hybrid, titans, titans-no-write, or all."})
public final class RecallBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "dataset JSON (see make-recall-data)")
    Path data;

    @Option(names = "--memory", defaultValue = "all", paramLabel = "M",
            description = "memory to run, a comma-separated list, or 'all' (default: ${DEFAULT-VALUE})")
    String memory;

    @Option(names = "--budget", defaultValue = "1024", paramLabel = "B",
            description = "token budget of all injected conversation text (default: ${DEFAULT-VALUE})")
    int budget;

    @Option(names = "--recent-share", defaultValue = "" + BudgetPolicy.DEFAULT_RECENT_SHARE,
            description = "share of the budget kept for the recent window by retrieval memories "
                    + "(default: ${DEFAULT-VALUE})")
    double recentShare;

    @Option(names = "--json", description = "print the results as one JSON object on the last stdout line")
    boolean json;

    @Option(names = "--no-progress", description = "no progress bar on stderr")
    boolean noProgress;

    private final RegistryFactory registryFactory;

    /** Builds the registry of memories for a run; tests substitute lighter ones. */
    @FunctionalInterface
    interface RegistryFactory {
        RecallMemoryRegistry create(MemoryContext context);
    }

    public RecallBenchCommand() {
        this(RecallMemoryRegistry::standard);
    }

    RecallBenchCommand(RegistryFactory registryFactory) {
        this.registryFactory = registryFactory;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (budget <= 0) {
            err.println("--budget must be positive, was " + budget);
            return 2;
        }
        BudgetPolicy policy;
        try {
            policy = new BudgetPolicy(recentShare);
        } catch (IllegalArgumentException e) {
            err.println("--recent-share: " + e.getMessage());
            return 2;
        }
        RecallMemoryRegistry registry = registryFactory.create(MemoryContext.withMiniLm(policy));
        List<String> names = memory.equals("all") ? registry.names() : List.of(memory.split(","));
        for (String name : names) {
            if (!registry.contains(name)) {
                err.println("unknown memory '" + name + "'; choose one of: " + String.join(", ", registry.names())
                        + ", all (or a comma-separated list)");
                return 2;
            }
        }

        RecallDataset dataset;
        try {
            dataset = RecallDatasetJson.read(data);
        } catch (InvalidRecallDatasetException e) {
            err.println(e.getMessage());
            return 2;
        } catch (UncheckedIOException e) { // a folder, an unreadable file
            err.println(e.getMessage() + ": " + IoProblems.describe(e));
            return 2;
        }
        out.printf(Locale.ROOT, "dataset %s: %d conversations, %d turns, %d questions; budget %d tokens, recent share %.2f%n",
                data, dataset.conversations().size(), dataset.turnCount(), dataset.questionCount(), budget,
                policy.recentShare());
        out.flush();

        IngestProgress progress = noProgress ? IngestProgress.NONE : new ProgressBar(System.err);
        RecallBenchmark benchmark = new RecallBenchmark(budget, progress);
        List<MemoryResult> results = new ArrayList<>();
        int unavailable = 0;
        for (String name : names) {
            Optional<RecallMemoryFactory> factory = registry.factory(name);
            if (factory.isEmpty()) {
                out.println(name + ": " + registry.unavailableReason(name));
                unavailable++;
                continue;
            }
            results.add(benchmark.run(name, factory.get(), dataset));
        }
        out.println();
        out.print(ResultTable.render(budget, results));
        if (json) {
            out.println(ResultJson.render(budget, results));
        }
        out.flush();
        return results.isEmpty() && unavailable > 0 ? 3 : 0;
    }
}
