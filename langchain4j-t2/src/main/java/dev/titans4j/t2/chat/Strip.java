package dev.titans4j.t2.chat;

/** Python's {@code str.strip('\n')} and its one-sided forms, as the templates call them. */
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
}
