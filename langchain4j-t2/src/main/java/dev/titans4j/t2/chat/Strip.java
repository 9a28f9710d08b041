package dev.titans4j.t2.chat;

/**
 * Python's {@code str.strip('\n')}, {@code str.strip()} (jinja2's {@code trim}) and their one-sided forms, as the
 * templates call them.
 */
public final class Strip {

    private Strip() {
    }

    public static String newlines(String s) {
        return leadingNewlines(trailingNewlines(s));
    }

    public static String leadingNewlines(String s) {
        int from = 0;
        while (from < s.length() && s.charAt(from) == '\n') {
            from++;
        }
        return s.substring(from);
    }

    public static String trailingNewlines(String s) {
        int to = s.length();
        while (to > 0 && s.charAt(to - 1) == '\n') {
            to--;
        }
        return s.substring(0, to);
    }

    /** Python's {@code str.strip()}: its whitespace also has no-break spaces and U+0085, unlike String.strip(). */
    public static String whitespace(String s) {
        return leadingWhitespace(trailingWhitespace(s));
    }

    public static String leadingWhitespace(String s) {
        int from = 0;
        while (from < s.length() && isPythonWhitespace(s.charAt(from))) {
            from++;
        }
        return s.substring(from);
    }

    public static String trailingWhitespace(String s) {
        int to = s.length();
        while (to > 0 && isPythonWhitespace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(0, to);
    }

    /** Python's {@code str.isspace()} for one character (all of its whitespace is in the BMP). */
    public static boolean isPythonWhitespace(char c) {
        return Character.isWhitespace(c) || c == '\u0085' || c == '\u00a0' || c == '\u2007' || c == '\u202f';
    }
}
