package dev.titans4j.cli;

import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.dataset.RecallDatasetJson;
import dev.titans4j.bench.recall.generate.BabiDatasetGenerator;
import dev.titans4j.bench.recall.generate.NeedleDatasetGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code make-recall-data babi|needle}: writes recall-benchmark datasets. Needle sets contain essay text from the
 * haystack folder: write them under {@code target/} and never commit or ship them.
 */
@Command(name = "make-recall-data", mixinStandardHelpOptions = true,
        description = "Write a recall-bench dataset (bAbI conversations or needles in a haystack).",
        subcommands = {MakeRecallDataCommand.Babi.class, MakeRecallDataCommand.Needle.class})
public final class MakeRecallDataCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Generates and writes, turning bad input into one clear line on stderr (exit code 2). */
    private static int write(CommandSpec spec, String what, Supplier<RecallDataset> generator, Path out)
            throws Exception {
        long start = System.nanoTime();
        RecallDataset dataset;
        try {
            dataset = generator.get();
            RecallDatasetJson.write(dataset, out);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            spec.commandLine().getErr().println("make-recall-data " + what + ": " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause() + ")" : ""));
            return 2;
        }
        report(spec, dataset, out, start);
        return 0;
    }

    private static void report(CommandSpec spec, RecallDataset dataset, Path out, long startNanos) throws Exception {
        spec.commandLine().getOut().printf("wrote %s: %d conversations, %d turns, %d questions, %d bytes in %.1f s%n",
                out, dataset.conversations().size(), dataset.turnCount(), dataset.questionCount(), Files.size(out),
                (System.nanoTime() - startNanos) / 1e9);
    }

    @Command(name = "babi", mixinStandardHelpOptions = true,
            description = {"Conversations from bAbI tasks: one story per session, the last question of each story.",
                    "bAbI is CC BY 3.0 (Weston et al. 2015, Facebook): keep the attribution with any copy."})
    static final class Babi implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--babi-dir", defaultValue = "../shared/data/babi/en",
                description = "the bAbI 'en' folder (default: ${DEFAULT-VALUE})")
        Path babiDir;

        @Option(names = "--tasks", split = ",", description = "tasks, e.g. qa1,qa2 (default: qa1-qa3, qa5-qa14)")
        List<String> tasks = BabiDatasetGenerator.DEFAULT_TASKS;

        @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE})")
        String split;

        @Option(names = "--stories-per-task", defaultValue = "" + BabiDatasetGenerator.DEFAULT_STORIES_PER_TASK,
                description = "stories (= questions) per task (default: ${DEFAULT-VALUE})")
        int storiesPerTask;

        @Option(names = "--tokens", defaultValue = "" + BabiDatasetGenerator.DEFAULT_TOKENS_PER_CONVERSATION,
                description = "about this many tokens per conversation (default: ${DEFAULT-VALUE})")
        int tokens;

        @Option(names = "--seed", defaultValue = "" + BabiDatasetGenerator.DEFAULT_SEED,
                description = "random seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", defaultValue = "target/recall-babi.json",
                description = "output file (default: ${DEFAULT-VALUE})")
        Path out;

        @Override
        public Integer call() throws Exception {
            return write(spec, "babi",
                    () -> new BabiDatasetGenerator(babiDir, split, storiesPerTask, tokens, seed).generate(tasks), out);
        }
    }

    @Command(name = "needle", mixinStandardHelpOptions = true,
            description = {"Synthetic facts hidden at random depths in essay filler (read at run time).",
                    "The output contains the essays' text: do not commit or ship it."})
    static final class Needle implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--haystack-dir", defaultValue = "../shared/data/haystack",
                description = "folder of .txt essays (default: ${DEFAULT-VALUE})")
        Path haystackDir;

        @Option(names = "--tokens", defaultValue = "10000",
                description = "tokens per conversation, 10K to 2M (default: ${DEFAULT-VALUE})")
        int tokens;

        @Option(names = "--conversations", defaultValue = "1", description = "(default: ${DEFAULT-VALUE})")
        int conversations;

        @Option(names = "--needles", defaultValue = "10", description = "needles per conversation "
                + "(default: ${DEFAULT-VALUE})")
        int needles;

        @Option(names = "--seed", defaultValue = "8", description = "random seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--paraphrase", description = "ask with synonyms instead of the needle's own words")
        boolean paraphrase;

        @Option(names = "--out", defaultValue = "target/recall-needle.json",
                description = "output file (default: ${DEFAULT-VALUE})")
        Path out;

        @Override
        public Integer call() throws Exception {
            return write(spec, "needle",
                    () -> new NeedleDatasetGenerator(haystackDir, tokens, conversations, needles, seed, paraphrase)
                            .generate(), out);
        }
    }
}
