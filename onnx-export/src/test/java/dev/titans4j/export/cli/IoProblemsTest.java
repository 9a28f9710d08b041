package dev.titans4j.export.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.titans4j.export.IoProblems;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-line file problems and the stdout check of the command-line tools, on real file-system errors. */
class IoProblemsTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsNamedWithItsReason() {
        Path missing = dir.resolve("none.json");
        Throwable e = catchThrowable(() -> Files.readString(missing));
        assertThat(e.getMessage()).isEqualTo(missing.toString()); // what the JDK alone says
        assertThat(IoProblems.describe(e)).isEqualTo(missing + ": no such file or folder (or a parent folder that "
                + "cannot hold one)");
        assertThat(IoProblems.describe(new UncheckedIOException((IOException) e))).isEqualTo(IoProblems.describe(e));
    }

    @Test
    void theOperatingSystemsReasonIsKeptWhenThereIsOne() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Throwable e = catchThrowable(() -> Files.createDirectories(file.resolve("sub")));
        assertThat(IoProblems.describe(e)).startsWith(file.toString());
        Throwable notDir = catchThrowable(() -> Files.createDirectory(file.resolve("sub")));
        assertThat(IoProblems.describe(notDir)).isEqualTo(file.resolve("sub") + ": Not a directory");
    }

    @Test
    void bytesThatAreNotUtf8AreCalledThat() throws Exception {
        Path binary = Files.write(dir.resolve("b.txt"), new byte[] {'a', (byte) 0xC3, 0x28});
        Throwable e = catchThrowable(() -> Files.readAllLines(binary, StandardCharsets.UTF_8));
        assertThat(e.getMessage()).isEqualTo("Input length = 1");
        assertThat(IoProblems.describe(e)).isEqualTo("not UTF-8 text (a binary file?)");
    }

    @Test
    void lostStandardOutputTurnsSuccessIntoExitOne() {
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        PrintStream full = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        });
        full.print("answer");

        assertThat(StandardOutput.checked(0, full, err)).isEqualTo(1);
        assertThat(StandardOutput.checked(3, full, err)).as("an earlier failure keeps its code").isEqualTo(3);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).startsWith(
                "error: could not write to standard output (disk full, or the reading end was closed)");

        PrintStream fine = new PrintStream(new ByteArrayOutputStream());
        fine.print("answer");
        assertThat(StandardOutput.checked(0, fine, err)).isZero();
    }
}
