package dev.titans4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code titans4j} command tree as a whole. */
class Titans4jCliTest {

    @Test
    void everyCommandsVersionOptionPrintsAVersion() {
        List<List<String>> commands = new ArrayList<>();
        collect(Titans4jCli.commandLine(), new ArrayList<>(), commands);
        assertThat(commands).hasSizeGreaterThan(8);

        for (List<String> command : commands) {
            StringWriter out = new StringWriter();
            CommandLine cli = Titans4jCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            List<String> args = new ArrayList<>(command);
            args.add("--version");

            assertThat(cli.execute(args.toArray(String[]::new))).as(String.join(" ", args)).isZero();
            assertThat(out.toString()).as(String.join(" ", args)).startsWith("titans4j ").contains("0.1.0");
        }
    }

    @Test
    void theCommandListShowsEachSummaryAsAWholeSentence() {
        // picocli lists a sub-command with the first line of its description
        Titans4jCli.commandLine().getSubcommands().forEach((name, sub) -> {
            String[] description = sub.getCommandSpec().usageMessage().description();
            assertThat(description).as(name).isNotEmpty();
            assertThat(description[0]).as(name).endsWith(".");
        });
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> into) {
        into.add(path);
        cli.getSubcommands().forEach((name, sub) -> {
            List<String> longer = new ArrayList<>(path);
            longer.add(name);
            collect(sub, longer, into);
        });
    }
}
