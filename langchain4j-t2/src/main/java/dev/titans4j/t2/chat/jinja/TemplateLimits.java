package dev.titans4j.t2.chat.jinja;

import com.hubspot.jinjava.lib.fn.Functions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bounds on what one chat template may cost, since it comes with the model folder: how deeply it nests (Jinjava
 * parses and renders recursively, so thousands of levels overflow the stack), how many numbers its {@code range()}
 * calls produce in one render (each call is capped at 1000, but nested loops multiply) and how much output it
 * builds. Real templates stay far below each: a few levels, loops over the messages.
 */
final class TemplateLimits {

    static final int MAX_NESTING = 100;
    static final int MAX_RANGE_ITEMS_PER_RENDER = 1_000_000;
    /** Characters of the output (and of strings, where Jinjava checks): far beyond any context window's text. */
    static final long MAX_CHARS = 1L << 24;

    private static final Pattern TAG_NAME = Pattern.compile("^[-+]?\\s*(\\w+)");
    private static final List<String> BLOCKS = List.of("if", "for", "macro", "call", "filter", "block", "raw",
            "generation");
    private static final ThreadLocal<long[]> RANGE_ITEMS = ThreadLocal.withInitial(() -> new long[1]);

    private TemplateLimits() {
    }

    /** Refuses a template whose brackets or blocks nest deeper than {@link #MAX_NESTING}. */
    static void checkNesting(String source) {
        int blocks = 0;
        for (int open = WhitespaceControl.nextTag(source, 0); open >= 0; ) {
            char kind = source.charAt(open + 1);
            int close = WhitespaceControl.tagEnd(source, open, kind);
            String body = source.substring(open + 2, close - 2);
            if (kind != '#') {
                brackets(body);
            }
            Matcher name = TAG_NAME.matcher(body);
            if (kind == '%' && name.find()) {
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
            open = WhitespaceControl.nextTag(source, close);
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

    /** Starts counting the {@code range()} items of one render on this thread. */
    static void startRender() {
        RANGE_ITEMS.get()[0] = 0;
    }

    /** {@code range(...)} as Jinjava has it, counted against the render's budget. */
    public static List<Integer> range(Object arg1, Object... args) {
        List<Integer> items = Functions.range(arg1, args);
        long[] count = RANGE_ITEMS.get();
        count[0] += items.size();
        if (count[0] > MAX_RANGE_ITEMS_PER_RENDER) {
            throw new TooCostlyException("its range() calls produce more than " + MAX_RANGE_ITEMS_PER_RENDER
                    + " numbers in one render");
        }
        return items;
    }

    /** Thrown inside a render that exceeds a budget; {@link JinjaTemplate} reports it. */
    static final class TooCostlyException extends RuntimeException {
        TooCostlyException(String message) {
            super(message);
        }
    }
}
