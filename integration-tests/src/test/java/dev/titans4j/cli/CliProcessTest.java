package dev.titans4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line in a real process, where the shell decides what stdin and stdout are: what only shows there
 * (a closed stdin, a full disk behind stdout).
 */
class CliProcessTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void exportModel() {
        model = ExportedStories.export(dir);
    }

    @Test
    void generateIntoAFullDiskFailsInsteadOfLosingTheOutputSilently() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/full")), "needs /dev/full (Linux)");
        Result r = shell("generate -m '" + model + "' -p 'Once upon a time' -n 64 > /dev/full");

        assertThat(r.exit).isEqualTo(1);
        assertThat(r.stderr).isEqualTo(List.of(
                "error: could not write to standard output (disk full, or the reading end was closed)"));
    }

    @Test
    void generateStopsGeneratingOnceStandardOutputCannotBeWritten() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/full")), "needs /dev/full (Linux)");
        Result r = shell("generate -m '" + model + "' -p 'Once upon a time' --raw -n 400 --stats > /dev/full");

        assertThat(r.exit).isEqualTo(1);
        assertThat(r.stderr).as("the --stats line").anyMatch(line -> line.matches(".*, [1-3] generated in .*"))
                .anyMatch(line -> line.endsWith("stop: CANCELLED"));
    }

    @Test
    void chatWithStdinClosedSaysSoInOneLine() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc (Linux)");
        Result r = shell("chat -m '" + model + "' -n 4 <&-");

        assertThat(r.exit).isEqualTo(1);
        assertThat(r.stderr).isEqualTo(List.of(
                "error: standard input is closed: chat reads one message per line from it"));
    }

    private record Result(int exit, List<String> stderr) {
    }

    /** {@code titans4j ARGS} through bash, so redirections are the shell's own. */
    private static Result shell(String argsAndRedirections) throws IOException, InterruptedException {
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "exec '" + java + "' -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path")
                + "' " + Titans4jCli.class.getName() + " " + argsAndRedirections;
        Process p = new ProcessBuilder("bash", "-c", command).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the command ends").isTrue();
        List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.startsWith("SLF4J")).toList();
        return new Result(p.exitValue(), lines);
    }
}
