package dev.titans4j.cli;

import dev.titans4j.export.cli.ExportCommand;
import dev.titans4j.export.cli.StandardOutput;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code titans4j-cli.jar} entry point: one sub-command per tool (export, generate, chat, demo, benchmarks). */
// INHERIT: the sub-commands' -V/--version print this version (export keeps its own) instead of an empty line
@Command(name = "titans4j", mixinStandardHelpOptions = true, version = "titans4j 0.1.0-SNAPSHOT",
        scope = CommandLine.ScopeType.INHERIT,
        description = "Local LLMs on ONNX Runtime with Titans memory and Transformer² adaptation.",
        subcommands = {ExportCommand.class, GenerateCommand.class, ChatCommand.class, RecallBenchCommand.class,
                MakeRecallDataCommand.class, DemoCommand.class, VerifyCommand.class, ServeBenchCommand.class})
public final class Titans4jCli implements Runnable {

    public static void main(String[] args) {
        System.setProperty("DJL_OFFLINE", "true");
        // DJL's tokenizer loader logs a GPU probe at WARN on every start; keep the console to our own output
        if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "error");
        }
        CommandLine commandLine = commandLine();
        int exitCode = commandLine.execute(args);
        commandLine.getOut().flush();
        System.exit(StandardOutput.checked(exitCode));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Titans4jCli())
                .setCaseInsensitiveEnumValuesAllowed(true); // export's --precision
        return commandLine.setOut(StandardOutput.watched(commandLine.getOut()));
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }
}
