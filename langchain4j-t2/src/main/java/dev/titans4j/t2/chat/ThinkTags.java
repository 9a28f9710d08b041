package dev.titans4j.t2.chat;

/** The {@code <think>} tags of reasoning models, and what their templates keep of an earlier answer. */
public final class ThinkTags {

    public static final String OPEN = "<think>";
    public static final String CLOSE = "</think>";

    private ThinkTags() {
    }

    /** Whether {@code text} (a chat template's source, say) holds either tag. */
    public static boolean mentioned(String text) {
        return text.contains(OPEN) || text.contains(CLOSE);
    }

    /** The templates' {@code content.split('</think>')[-1].lstrip('\n')}: an answer without its reasoning. */
    public static String afterReasoning(String text) {
        int close = text.lastIndexOf(CLOSE);
        return Strip.leadingNewlines(close < 0 ? text : text.substring(close + CLOSE.length()));
    }
}
