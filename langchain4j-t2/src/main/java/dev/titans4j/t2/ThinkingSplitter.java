package dev.titans4j.t2;

import static dev.titans4j.t2.chat.ThinkTags.CLOSE;
import static dev.titans4j.t2.chat.ThinkTags.OPEN;

import dev.titans4j.t2.chat.Strip;
import java.util.function.Consumer;

/**
 * Splits an answer that may open with reasoning, {@code <think>...</think>} as Qwen3 and SmolLM3 write it, into
 * the thinking and the answer text, as its pieces arrive. Reasoning counts only at the very start of the answer
 * (after whitespace at most); anywhere else the tags are answer text. The split follows the templates, which read
 * an answer back the same way: the thinking loses the newlines around it, the text the newlines that open it.
 *
 * <p>A piece may end inside a tag or inside a run of newlines: that part is held until the next piece decides it,
 * so the pieces reported to each consumer concatenate exactly to {@link #thinking()} and {@link #text()}. An answer
 * that stops inside its reasoning (the token limit) has that reasoning as its thinking and no text.
 *
 * <p>After a prompt that already opened the reasoning ({@link #opensReasoning}: DeepSeek-R1-Distill's and QwQ's
 * generation prompts end in {@code <think>\n}) the answer starts inside it, without the tag (one written anyway is
 * dropped), and its text begins after {@code </think>}. Not thread-safe; one per answer.
 */
final class ThinkingSplitter {

    private enum State { START, THINKING, AFTER_THINKING, TEXT }

    private final Consumer<String> onThinking;
    private final Consumer<String> onText;
    private final StringBuilder held = new StringBuilder();
    private final StringBuilder thinking = new StringBuilder();
    private final StringBuilder text = new StringBuilder();
    private final boolean opened;
    private State state = State.START;
    private boolean reasoned;
    private boolean finished;

    ThinkingSplitter(Consumer<String> onThinking, Consumer<String> onText) {
        this(false, onThinking, onText);
    }

    /** @param opened the prompt ended inside an opened {@code <think>}: the answer starts in the reasoning */
    ThinkingSplitter(boolean opened, Consumer<String> onThinking, Consumer<String> onText) {
        this.opened = opened;
        this.onThinking = onThinking;
        this.onText = onText;
    }

    /**
     * Whether a rendered prompt ends inside an opened {@code <think>} (whitespace after it at most), so that the
     * model's answer starts in its reasoning.
     */
    static boolean opensReasoning(String prompt) {
        return prompt.stripTrailing().endsWith(OPEN);
    }

    /**
     * {@code prompt} with the reasoning it opened closed empty ({@code <think>\n\n</think>\n\n}, what Qwen3's template
     * writes for {@code enable_thinking=false}); a prompt that opened none is returned as it is.
     */
    static String closeOpenedReasoning(String prompt) {
        if (!opensReasoning(prompt)) {
            return prompt;
        }
        return prompt.substring(0, prompt.lastIndexOf(OPEN)) + OPEN + "\n\n" + CLOSE + "\n\n";
    }

    /** The split of a whole answer. */
    static ThinkingSplitter split(String answer) {
        return split(answer, false);
    }

    /** The split of a whole answer; {@code opened} as for {@link #ThinkingSplitter(boolean, Consumer, Consumer)}. */
    static ThinkingSplitter split(String answer, boolean opened) {
        ThinkingSplitter splitter = new ThinkingSplitter(opened, piece -> { }, piece -> { });
        splitter.push(answer);
        splitter.finish();
        return splitter;
    }

    void push(String piece) {
        if (finished) {
            throw new IllegalStateException("the answer is finished");
        }
        held.append(piece);
        boolean progress = true;
        while (progress && !held.isEmpty()) {
            progress = switch (state) {
                case START -> start();
                case THINKING -> think();
                case AFTER_THINKING -> afterThinking();
                case TEXT -> emitText(take(held.length()));
            };
        }
    }

    /** Ends the answer, reporting what was held: an unfinished tag is text, or thinking when inside reasoning. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        String rest = take(held.length());
        if (state == State.START && opened) {
            reasoned = true; // whitespace or the start of a tag, inside the reasoning
            emitThinking(Strip.newlines(rest));
        } else if (state == State.THINKING) {
            emitThinking(Strip.trailingNewlines(rest)); // the reasoning's closing newlines go, as with </think>
        } else if (state != State.AFTER_THINKING) {
            emitText(rest);
        }
    }

    /** The reasoning, or null when the answer did not open with {@code <think>} or its reasoning is empty. */
    String thinking() {
        return reasoned && !thinking.isEmpty() ? thinking.toString() : null;
    }

    String text() {
        return text.toString();
    }

    /** Leading whitespace, then {@code <think>} or not (inside opened reasoning: the reasoning itself). */
    private boolean start() {
        int i = 0;
        while (i < held.length() && Character.isWhitespace(held.charAt(i))) {
            i++;
        }
        String rest = held.substring(i);
        if (rest.startsWith(OPEN)) {
            take(i + OPEN.length());
            state = State.THINKING;
            reasoned = true;
            dropLeadingNewlines();
            return true;
        }
        if (OPEN.startsWith(rest)) {
            return false; // whitespace, or the start of the tag: wait
        }
        if (opened) {
            state = State.THINKING;
            reasoned = true;
            return true;
        }
        state = State.TEXT;
        return true;
    }

    private boolean think() {
        dropLeadingNewlinesIfFirst();
        int close = held.indexOf(CLOSE);
        if (close >= 0) {
            emitThinking(Strip.trailingNewlines(held.substring(0, close)));
            take(close + CLOSE.length());
            state = State.AFTER_THINKING;
            return true;
        }
        // keep what may be newlines before </think> or the start of the tag itself
        int keep = held.length();
        while (keep > 0 && held.charAt(keep - 1) == '\n') {
            keep--;
        }
        int partial = partialTagAt(held, CLOSE);
        if (partial >= 0) {
            keep = partial;
            while (keep > 0 && held.charAt(keep - 1) == '\n') {
                keep--;
            }
        }
        emitThinking(take(keep));
        return false;
    }

    private boolean afterThinking() {
        int i = 0;
        while (i < held.length() && held.charAt(i) == '\n') {
            i++;
        }
        take(i);
        if (held.isEmpty()) {
            return false;
        }
        state = State.TEXT;
        return true;
    }

    /** Newlines right after {@code <think>} are not part of the reasoning. */
    private void dropLeadingNewlinesIfFirst() {
        if (thinking.isEmpty()) {
            dropLeadingNewlines();
        }
    }

    private void dropLeadingNewlines() {
        int i = 0;
        while (i < held.length() && held.charAt(i) == '\n') {
            i++;
        }
        take(i);
    }

    /** Where a proper prefix of {@code tag} ends {@code s}, or -1. */
    private static int partialTagAt(CharSequence s, String tag) {
        for (int start = Math.max(0, s.length() - tag.length() + 1); start < s.length(); start++) {
            if (tag.startsWith(s.subSequence(start, s.length()).toString())) {
                return start;
            }
        }
        return -1;
    }

    private String take(int n) {
        String taken = held.substring(0, n);
        held.delete(0, n);
        return taken;
    }

    private void emitThinking(String piece) {
        if (!piece.isEmpty()) {
            thinking.append(piece);
            onThinking.accept(piece);
        }
    }

    private boolean emitText(String piece) {
        if (!piece.isEmpty()) {
            text.append(piece);
            onText.accept(piece);
        }
        return false;
    }
}
