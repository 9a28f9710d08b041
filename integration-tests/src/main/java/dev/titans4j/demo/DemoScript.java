package dev.titans4j.demo;

import dev.titans4j.export.IoProblems;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted multi-session conversation and the questions asked after it (the format is described at the top of
 * {@code demo/conversation.txt}). Every question's key marks exactly one message: the one that holds its answer.
 */
public final class DemoScript {

    /** The conversation shipped with the demo. */
    public static final String DEFAULT_RESOURCE = "/demo/conversation.txt";

    private static final Pattern SESSION = Pattern.compile("^== session (\\d+) \\| (.+)$");
    private static final Pattern MESSAGE = Pattern.compile("^(user|ai)(?: \\[([\\w-]+)])?: (.+)$");
    private static final Pattern QUESTION = Pattern.compile("^\\[([\\w-]+)] (.+?) => (.+)$");

    private final List<DemoSession> sessions;
    private final List<ScriptMessage> messages;
    private final List<DemoQuestion> questions;
    private final Map<String, ScriptMessage> evidence;

    private DemoScript(List<DemoSession> sessions, List<ScriptMessage> messages, List<DemoQuestion> questions,
                       Map<String, ScriptMessage> evidence) {
        this.sessions = List.copyOf(sessions);
        this.messages = List.copyOf(messages);
        this.questions = List.copyOf(questions);
        this.evidence = Map.copyOf(evidence);
    }

    public static DemoScript loadDefault() {
        try (InputStream in = DemoScript.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the demo conversation " + DEFAULT_RESOURCE + " is not on the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList(), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DemoScript load(Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("conversation file " + file + " is a folder, not a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("conversation file " + file + " does not exist");
        }
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) { // Java's UTF-8 decoder keeps the BOM
                lines.set(0, lines.get(0).substring(1));
            }
            return parse(lines, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + IoProblems.describe(e), e);
        }
    }

    /** Parses the script; a malformed line or an inconsistent key fails with the source and line number. */
    public static DemoScript parse(List<String> lines, String source) {
        List<DemoSession> sessions = new ArrayList<>();
        List<ScriptMessage> messages = new ArrayList<>();
        List<DemoQuestion> questions = new ArrayList<>();
        Map<String, ScriptMessage> evidence = new HashMap<>();
        boolean inQuestions = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String where = source + ":" + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("== questions")) {
                inQuestions = true;
                continue;
            }
            Matcher m;
            if (!inQuestions && (m = SESSION.matcher(line)).matches()) {
                int number = Integer.parseInt(m.group(1));
                if (number != sessions.size() + 1) {
                    throw new IllegalArgumentException(where + ": expected session " + (sessions.size() + 1)
                            + ", found session " + number);
                }
                sessions.add(new DemoSession(number, m.group(2).strip()));
            } else if (!inQuestions && (m = MESSAGE.matcher(line)).matches()) {
                if (sessions.isEmpty()) {
                    throw new IllegalArgumentException(where + ": a message before the first '== session' header");
                }
                ScriptMessage message = new ScriptMessage(messages.size(), sessions.size(), m.group(1).equals("user"),
                        m.group(3).strip(), m.group(2));
                if (message.key() != null && evidence.put(message.key(), message) != null) {
                    throw new IllegalArgumentException(where + ": key [" + message.key() + "] marks a second message");
                }
                messages.add(message);
            } else if (inQuestions && (m = QUESTION.matcher(line)).matches()) {
                questions.add(new DemoQuestion(m.group(1), m.group(2).strip(), m.group(3).strip()));
            } else {
                throw new IllegalArgumentException(where + ": cannot read '" + abbreviate(line) + "' (expected "
                        + (inQuestions ? "'[key] question => answer'" : "'== session N | date', 'user: …' or 'ai: …'")
                        + ")");
            }
        }
        if (messages.isEmpty() || questions.isEmpty()) {
            throw new IllegalArgumentException(source + ": needs at least one message and one question");
        }
        Set<String> asked = new LinkedHashSet<>();
        for (DemoQuestion q : questions) {
            if (!evidence.containsKey(q.key())) {
                throw new IllegalArgumentException(source + ": no message is marked [" + q.key() + "] for question '"
                        + q.question() + "'");
            }
            if (!asked.add(q.key())) {
                throw new IllegalArgumentException(source + ": two questions use key [" + q.key() + "]");
            }
        }
        return new DemoScript(sessions, messages, questions, evidence);
    }

    public List<DemoSession> sessions() {
        return sessions;
    }

    public List<ScriptMessage> messages() {
        return messages;
    }

    public List<DemoQuestion> questions() {
        return questions;
    }

    /** The message that holds the answer to {@code question}. */
    public ScriptMessage evidence(DemoQuestion question) {
        return Objects.requireNonNull(evidence.get(question.key()), question.key());
    }

    /** The session of the message with sequence number {@code seq}, or 0 when it came after the script. */
    public int sessionOf(long seq) {
        return seq >= 0 && seq < messages.size() ? messages.get((int) seq).session() : 0;
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }
}
