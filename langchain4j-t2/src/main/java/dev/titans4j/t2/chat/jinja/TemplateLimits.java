package dev.titans4j.t2.chat.jinja;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bounds on what one chat template may cost, since it comes with the model folder: how deeply it nests (Jinjava
 * parses and renders recursively, so thousands of levels overflow the stack). Real templates nest a few levels.
 */
final class TemplateLimits {

    static final int MAX_NESTING = 100;

    private static final Pattern TAG = Pattern.compile("\\{([{%])(.*?)[}%]}", Pattern.DOTALL);
    private static final Pattern TAG_NAME = Pattern.compile("^[-+]?\\s*(\\w+)");
    private static final List<String> BLOCKS = List.of("if", "for", "macro", "call", "filter", "block", "raw",
            "generation");

    private TemplateLimits() {
    }

    /** Refuses a template whose brackets or blocks nest deeper than {@link #MAX_NESTING}. */
    static void checkNesting(String source) {
        int blocks = 0;
        Matcher tag = TAG.matcher(source);
        while (tag.find()) {
            String body = tag.group(2);
            brackets(body);
            Matcher name = TAG_NAME.matcher(body);
            if (tag.group(1).equals("%") && name.find()) {
                String n = name.group(1);
                if (BLOCKS.contains(n) || n.equals("set") && !body.contains("=")) {
                    blocks++;
                } else if (n.startsWith("end")) {
                    blocks--;
                }
                if (blocks > MAX_NESTING) {
                    throw tooDeep("blocks");
                }
            }
        }
    }

    /** Bracket depth outside string literals. */
    private static void brackets(String expression) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                if (++depth > MAX_NESTING) {
                    throw tooDeep("brackets");
                }
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
        }
    }

    private static IllegalArgumentException tooDeep(String what) {
        return new IllegalArgumentException("the model's chat template nests its " + what + " more than "
                + MAX_NESTING + " levels deep");
    }
}
