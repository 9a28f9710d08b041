package dev.titans4j.bench.recall.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a bAbI task file (README of the bAbI release): {@code ID text} lines, and question lines
 * {@code ID question<TAB>answer<TAB>supporting fact ids}; ids restarting at 1 start a new story. Some copies separate
 * question fields with {@code |} instead of tabs; both are accepted.
 */
public final class BabiReader {

    private static final Pattern LINE = Pattern.compile("^(\\d+) (.*)$");
    private static final Pattern FIELD_SEPARATOR = Pattern.compile("\\s*[\\t|]\\s*");

    private BabiReader() {
    }

    public static List<BabiStory> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bAbI file " + file, e);
        }
        return parse(lines, file.toString());
    }

    static List<BabiStory> parse(List<String> lines, String source) {
        List<BabiStory> stories = new ArrayList<>();
        List<BabiStory.Statement> statements = new ArrayList<>();
        List<BabiStory.BabiQuestion> questions = new ArrayList<>();
        int previousId = 0;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException(source + ":" + (n + 1) + ": not a bAbI line (expected 'ID text'): "
                        + line);
            }
            int id = Integer.parseInt(m.group(1));
            if (id <= previousId) {
                flush(stories, statements, questions);
            }
            previousId = id;
            String rest = m.group(2);
            if (rest.indexOf('\t') >= 0 || rest.indexOf('|') >= 0) {
                questions.add(question(id, rest, source + ":" + (n + 1)));
            } else {
                statements.add(new BabiStory.Statement(id, rest.strip()));
            }
        }
        flush(stories, statements, questions);
        return stories;
    }

    private static BabiStory.BabiQuestion question(int id, String rest, String where) {
        String[] fields = FIELD_SEPARATOR.split(rest.strip(), -1);
        if (fields.length < 3 || fields[2].isBlank()) {
            throw new IllegalArgumentException(where + ": question line needs question, answer and supporting fact ids: "
                    + rest);
        }
        List<Integer> support = new ArrayList<>();
        for (String fact : fields[2].trim().split("\\s+")) {
            try {
                support.add(Integer.parseInt(fact));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": supporting fact id is not a number: '" + fact + "'");
            }
        }
        return new BabiStory.BabiQuestion(id, fields[0].strip(), fields[1].strip(), support);
    }

    private static void flush(List<BabiStory> stories, List<BabiStory.Statement> statements,
                              List<BabiStory.BabiQuestion> questions) {
        if (!statements.isEmpty() || !questions.isEmpty()) {
            stories.add(new BabiStory(statements, questions));
        }
        statements.clear();
        questions.clear();
    }
}
