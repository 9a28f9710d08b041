package dev.titans4j.cli;

import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.SvfExpertFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Transformer² experts for a model: the files named on the command line, or else every {@code *.safetensors}
 * in the model folder's {@code experts/} subfolder (none when it does not exist).
 */
final class ExpertFiles {

    static final String FOLDER = "experts";

    private ExpertFiles() {
    }

    static List<SvfExpert> read(Path modelFolder, List<Path> named) {
        List<Path> files = named.isEmpty() ? inFolder(modelFolder.resolve(FOLDER)) : named;
        List<SvfExpert> experts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path file : files) {
            if (Files.isDirectory(file)) {
                throw new CliException("expert file " + file + " is a folder, not a file");
            }
            if (!Files.isRegularFile(file)) {
                throw new CliException("expert file " + file + " does not exist");
            }
            SvfExpert expert;
            try {
                expert = SvfExpertFile.read(file);
            } catch (UncheckedIOException | IllegalArgumentException e) {
                throw new CliException("could not read expert " + file + ": " + CliException.oneLine(e));
            }
            if (!names.add(expert.name())) {
                throw new CliException("two experts are named '" + expert.name() + "' (" + file + ")");
            }
            experts.add(expert);
        }
        return experts;
    }

    private static List<Path> inFolder(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new CliException("could not list " + folder + ": " + e.getMessage());
        }
    }
}
