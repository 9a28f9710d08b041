package dev.titans4j.t2.chat.jinja;

/**
 * Applies jinja2's whitespace control to a template's text, as transformers configures it ({@code trim_blocks},
 * {@code lstrip_blocks}, and the {@code -}/{@code +} tag modifiers), leaving tags without modifiers: Jinjava's own
 * handling differs (it ignores {@code {{-}, for one), so it renders the result with none of it. Also spaces
 * {@code }}} inside an expression ({@code {'a': {}}}), which Jinjava would take for the tag's end.
 * <ul>
 *   <li>One newline at the end of the template goes ({@code keep_trailing_newline=False}).</li>
 *   <li>{@code {%-}, {@code {{-}, {@code {#-}: all whitespace before the tag goes; {@code -%}}, {@code -}}},
 *   {@code -#}}: all whitespace after it.</li>
 *   <li>lstrip_blocks: spaces and tabs between a line start and a block or comment tag go (not with {@code {%+}).</li>
 *   <li>trim_blocks: the first newline after a block or comment tag goes (not with {@code +%}}).</li>
 * </ul>
 */
final class WhitespaceControl {

    private WhitespaceControl() {
    }

    static String apply(String source) {
        // jinja2 drops one newline at the very end (keep_trailing_newline=False)
        String template = source.endsWith("\r\n") ? source.substring(0, source.length() - 2)
                : source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
        StringBuilder out = new StringBuilder(template.length());
        int i = 0;
        boolean stripNext = false;
        boolean trimNewline = false;
        while (i < template.length()) {
            int open = nextTag(template, i);
            String text = template.substring(i, open < 0 ? template.length() : open);
            boolean lineStart = i == 0;
            if (stripNext) {
                text = text.stripLeading();
            } else if (trimNewline && (text.startsWith("\n") || text.startsWith("\r\n"))) {
                text = text.substring(text.indexOf('\n') + 1);
                lineStart = true;
            }
            if (open < 0) {
                out.append(text);
                break;
            }
            char kind = template.charAt(open + 1);
            char modifier = open + 2 < template.length() ? template.charAt(open + 2) : ' ';
            if (modifier == '-') {
                text = text.stripTrailing();
            } else if (kind != '{' && modifier != '+') {
                text = lstrip(text, lineStart);
            }
            out.append(text);
            int close = tagEnd(template, open, kind);
            boolean rightStrip = template.charAt(close - 3) == '-';
            boolean rightKeep = template.charAt(close - 3) == '+';
            out.append(template.charAt(open)).append(kind);
            int bodyStart = open + 2 + (modifier == '-' || modifier == '+' ? 1 : 0);
            int bodyEnd = close - 2 - (rightStrip || rightKeep ? 1 : 0);
            String body = template.substring(bodyStart, Math.max(bodyStart, bodyEnd));
            out.append(kind == '#' ? body : spaceClosingBraces(body));
            out.append(template, close - 2, close);
            stripNext = rightStrip;
            trimNewline = kind != '{' && !rightKeep;
            i = close;
        }
        return out.toString();
    }

    /**
     * Text before a block tag loses the spaces and tabs after its last newline, if only those follow it; text with
     * no newline only when it starts a line ({@code lineStart}).
     */
    private static String lstrip(String text, boolean lineStart) {
        int end = text.length();
        int j = end;
        while (j > 0 && (text.charAt(j - 1) == ' ' || text.charAt(j - 1) == '\t')) {
            j--;
        }
        return (j == 0 ? lineStart : text.charAt(j - 1) == '\n') ? text.substring(0, j) : text;
    }

    /** Where the next tag ({@code {{}, {@code {%} or {@code {#}) opens at or after {@code from}, or -1. */
    static int nextTag(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** {@code }}} outside string literals becomes {@code } }}. */
    private static String spaceClosingBraces(String body) {
        StringBuilder out = new StringBuilder(body.length());
        char quote = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            out.append(c);
            if (quote != 0) {
                if (c == '\\' && i + 1 < body.length()) {
                    out.append(body.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '}' && i + 1 < body.length() && body.charAt(i + 1) == '}') {
                out.append(' ');
            }
        }
        return out.toString();
    }

    /**
     * The index just past the tag opened at {@code open}: string literals and dict or list literals inside it may
     * hold the closing characters.
     */
    static int tagEnd(String s, int open, char kind) {
        char closing = kind == '{' ? '}' : kind;
        char quote = 0;
        int depth = 0;
        for (int i = open + 2; i + 1 < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (kind == '#') {
                if (c == '#' && s.charAt(i + 1) == '}') {
                    return i + 2;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if (depth > 0 && (c == '}' || c == ']' || c == ')')) {
                depth--;
            } else if (c == closing && s.charAt(i + 1) == '}') {
                return i + 2;
            }
        }
        throw new IllegalArgumentException("chat template: the tag opened at character " + open + " ("
                + s.substring(open, Math.min(s.length(), open + 20)).replace("\n", "\\n") + "...) is never closed");
    }
}
