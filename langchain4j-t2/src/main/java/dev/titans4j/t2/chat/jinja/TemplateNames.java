package dev.titans4j.t2.chat.jinja;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The filter and test names a template uses ({@code x | name}, {@code x is name}, {@code x is not name}), read from
 * its tags outside string literals, so that names the engine lacks are refused: Jinjava ignores an unknown filter
 * or test without an error, where jinja2 refuses the template.
 */
final class TemplateNames {

    final Set<String> filters = new LinkedHashSet<>();
    final Set<String> tests = new LinkedHashSet<>();

    /** @param template a template with whitespace control applied ({@link WhitespaceControl}) */
    TemplateNames(String template) {
        int i = 0;
        while (true) {
            int open = WhitespaceControl.nextTag(template, i);
            if (open < 0) {
                return;
            }
            char kind = template.charAt(open + 1);
            int close = template.indexOf(kind == '#' ? "#}" : kind == '{' ? "}}" : "%}", open + 2);
            if (kind != '#') {
                close = scan(template, open + 2);
                String body = template.substring(open + 2, close).strip();
                if (kind == '%' && body.equals("raw")) {
                    int end = template.indexOf("endraw", close);
                    close = end < 0 ? template.length() : end;
                }
            }
            if (close < 0) {
                return;
            }
            i = close + 2;
        }
    }

    /** Reads the names in the tag body from {@code from}; returns where the tag closes (or the text's end). */
    private int scan(String s, int from) {
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if ((c == '}' || c == '%') && i + 1 < s.length() && s.charAt(i + 1) == '}') {
                return i;
            } else if (c == '|') {
                String name = identifier(s, skipSpaces(s, i + 1));
                if (!name.isEmpty()) {
                    filters.add(name);
                }
            } else if (c == 'i' && s.startsWith("is", i) && boundary(s, i - 1) && i + 2 < s.length()
                    && Character.isWhitespace(s.charAt(i + 2))) {
                int at = skipSpaces(s, i + 2);
                String name = identifier(s, at);
                if (name.equals("not")) {
                    name = identifier(s, skipSpaces(s, at + 3));
                }
                if (!name.isEmpty()) {
                    tests.add(name);
                }
            }
        }
        return s.length();
    }

    private static boolean boundary(String s, int i) {
        return i < 0 || !(Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '.');
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String identifier(String s, int i) {
        int end = i;
        while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
            end++;
        }
        return end > i && !Character.isDigit(s.charAt(i)) ? s.substring(i, end) : "";
    }
}
