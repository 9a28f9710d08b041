package dev.titans4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code titans4j-cli.jar} entry point: one sub-command per tool (export, generate, chat, demo, benchmarks). */
@Command(name = "titans4j", mixinStandardHelpOptions = true, version = "titans4j 0.1.0-SNAPSHOT",
        description = "Local LLMs on ONNX Runtime with Titans memory and Transformer² adaptation.",
        subcommands = {RecallBenchCommand.class, MakeRecallDataCommand.class})
public final class Titans4jCli implements Runnable {

    public static void main(String[] args) {
        System.setProperty("DJL_OFFLINE", "true");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Titans4jCli());
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }
}
