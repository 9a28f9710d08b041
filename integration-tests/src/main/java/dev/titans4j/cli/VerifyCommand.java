package dev.titans4j.cli;

import dev.titans4j.export.manifest.FileIntegrity;
import dev.titans4j.export.manifest.ModelManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code verify DIR}: reads every file of an exported model folder and compares its size and CRC32C with what the
 * manifest recorded at export, one line per file. Loading checks sizes only; this also finds flipped bytes.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Checks every file of an exported model folder against the sizes and CRC32C checksums its"
                + " manifest recorded at export (reads each file once).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every file matches", "1:a file is missing, truncated or changed, or the folder has no"
                + " checksums to compare (message on stderr)", "2:invalid command-line usage"})
public final class VerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "model folder written by 'titans4j export'")
    Path folder;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return verify(out, err);
        } catch (CliException | IllegalArgumentException e) { // InvalidManifestException included
            return fail(out, err, CliException.oneLine(e));
        }
    }

    private int verify(PrintWriter out, PrintWriter err) {
        ModelFolder.check(folder);
        ModelManifest manifest;
        try {
            manifest = ModelManifest.read(folder);
        } catch (IOException e) {
            throw new CliException("could not read " + folder.resolve(ModelManifest.FILE_NAME) + ": " + e);
        }
        if (manifest.fileDigests() == null) {
            throw new CliException(folder.resolve(ModelManifest.FILE_NAME) + " records no file sizes or checksums"
                    + " (exported before titans4j recorded them): nothing to verify; re-export the model to add them");
        }
        long start = System.nanoTime();
        List<FileIntegrity.Check> checks = FileIntegrity.checkAll(folder, manifest, true);
        long bytes = 0;
        int bad = 0;
        for (FileIntegrity.Check c : checks) {
            if (c.ok()) {
                bytes += c.actual().size();
                out.printf("ok    %s (%d bytes, crc32c %s)%n", c.file(), c.actual().size(), c.actual().crc32c());
            } else {
                bad++;
                out.printf("FAIL  %s: %s%n", c.file(), c.problem());
            }
        }
        if (bad > 0) {
            return fail(out, err, bad + " of " + checks.size() + " files in " + folder
                    + " do not match the manifest");
        }
        out.printf(Locale.ROOT, "verified %d files, %d bytes in %.1f s%n", checks.size(), bytes,
                (System.nanoTime() - start) / 1e9);
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    private static int fail(PrintWriter out, PrintWriter err, String message) {
        out.flush();
        err.println("error: " + message);
        err.flush();
        return CliException.EXIT_CODE;
    }
}
