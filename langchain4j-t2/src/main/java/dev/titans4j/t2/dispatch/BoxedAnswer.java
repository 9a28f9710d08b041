package dev.titans4j.t2.dispatch;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The answer inside the first {@code \boxed{...}} of a text (as Sakana's classification prompt asks for). */
public final class BoxedAnswer {

    private static final Pattern BOXED = Pattern.compile("\\\\boxed\\{([^}]*)}");

    private BoxedAnswer() {
    }

    /** The trimmed, lower-cased content of the first {@code \boxed{...}}, if any. */
    public static Optional<String> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = BOXED.matcher(text);
        return m.find() ? Optional.of(m.group(1).trim().toLowerCase(java.util.Locale.ROOT)) : Optional.empty();
    }
}
