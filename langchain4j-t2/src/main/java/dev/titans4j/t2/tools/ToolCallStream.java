package dev.titans4j.t2.tools;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Splits one answer, as its text arrives, into answer text and tool calls of a {@link ToolCallSyntax}. Text that
 * may be the start of call markup is held back until it is known not to be, so markup never reaches
 * {@link Events#text}; whitespace next to calls is dropped. Each call is reported when its markup is complete (or,
 * for families whose calls run to the end of the answer, at {@link #finish()}): first a {@link PartialToolCall}
 * carrying its whole arguments, then the {@link CompleteToolCall}, in call order. Not thread-safe; one per answer.
 */
public final class ToolCallStream {

    /** Where the parts of the answer go. */
    public interface Events {
        Events NONE = new Events() {
        };

        default void text(String piece) {
        }

        default void partialToolCall(PartialToolCall call) {
        }

        default void completeToolCall(CompleteToolCall call) {
        }
    }

    private final ToolCallSyntax syntax;
    private final ToolCallReader reader;
    private final Events events;
    private final StringBuilder pending = new StringBuilder(); // not yet classified
    private final StringBuilder region = new StringBuilder();  // inside call markup
    private final StringBuilder text = new StringBuilder();    // answer text reported so far
    private final StringBuilder heldSpace = new StringBuilder(); // trailing whitespace not reported yet
    private final List<ToolExecutionRequest> calls = new ArrayList<>();
    private boolean inRegion;
    private boolean atStart = true;
    private boolean finished;

    ToolCallStream(ToolCallSyntax syntax, ToolCallReader reader, Events events) {
        this.syntax = syntax;
        this.reader = reader;
        this.events = events;
    }

    /** Takes the next piece of answer text. */
    public void push(String piece) {
        if (finished) {
            throw new IllegalStateException("the answer is finished");
        }
        if (inRegion) {
            region.append(piece);
        } else {
            pending.append(piece);
        }
        process();
    }

    /**
     * Ends the answer: reports what was held back and returns the answer's text and calls.
     *
     * @throws ToolCallException for a call left unterminated or not executable
     */
    public ParsedAnswer finish() {
        finished = true;
        if (inRegion) {
            String end = syntax.endMarker();
            if (end != null) {
                String why = region.indexOf(end) < 0 ? "was cut off before " + end
                        : "has no " + end + " outside its JSON strings (a string left open?)";
                throw new ToolCallException("the model's tool call " + why + ": "
                        + ToolCallReader.quote(region.toString()));
            }
            String r = region.toString();
            region.setLength(0);
            inRegion = false;
            Optional<List<ToolExecutionRequest>> parsed = syntax.parseRegion(r, reader);
            if (parsed.isPresent()) {
                report(parsed.get());
            } else {
                emit(r);
            }
        }
        emit(pending.toString());
        pending.setLength(0);
        if (calls.isEmpty()) {
            flushSpace();
        }
        String answer = text.toString();
        return new ParsedAnswer(calls.isEmpty() || !answer.isBlank() ? answer : null, calls);
    }

    private void process() {
        while (true) {
            if (inRegion) {
                String end = syntax.endMarker();
                int at = end == null ? -1 : syntax.endMarkerAt(region.toString());
                if (at < 0) {
                    return;
                }
                String r = region.substring(0, at + end.length());
                String rest = region.substring(at + end.length());
                region.setLength(0);
                inRegion = false;
                report(syntax.parseRegion(r, reader).orElseThrow());
                pending.append(rest);
                continue;
            }
            if (syntax.onlyAtStart()) {
                if (!atStart) {
                    emit(pending.toString());
                    pending.setLength(0);
                    return;
                }
                int first = firstNonSpace(pending);
                if (first < 0) {
                    return; // only whitespace so far
                }
                String head = pending.substring(first);
                for (String marker : syntax.startMarkers()) {
                    if (head.startsWith(marker)) {
                        openRegion(first);
                        break;
                    }
                    if (marker.startsWith(head)) {
                        return; // may still become a marker
                    }
                }
                if (!inRegion) {
                    atStart = false;
                }
                continue;
            }
            int at = -1;
            for (String marker : syntax.startMarkers()) {
                int i = pending.indexOf(marker);
                if (i >= 0 && (at < 0 || i < at)) {
                    at = i;
                }
            }
            if (at >= 0) {
                openRegion(at);
                continue;
            }
            int keep = longestMarkerPrefixSuffix();
            emit(pending.substring(0, pending.length() - keep));
            pending.delete(0, pending.length() - keep);
            return;
        }
    }

    private void openRegion(int at) {
        emit(pending.substring(0, at));
        region.append(pending, at, pending.length());
        pending.setLength(0);
        inRegion = true;
        atStart = false;
    }

    private int longestMarkerPrefixSuffix() {
        int best = 0;
        for (String marker : syntax.startMarkers()) {
            for (int k = Math.min(marker.length() - 1, pending.length()); k > best; k--) {
                if (pending.substring(pending.length() - k).equals(marker.substring(0, k))) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    private void report(List<ToolExecutionRequest> parsed) {
        heldSpace.setLength(0); // whitespace before a call belongs to its markup
        for (ToolExecutionRequest call : parsed) {
            int index = calls.size();
            calls.add(call);
            events.partialToolCall(PartialToolCall.builder().index(index).id(call.id()).name(call.name())
                    .partialArguments(call.arguments()).build());
            events.completeToolCall(new CompleteToolCall(index, call));
        }
    }

    /** Reports text, holding trailing whitespace back until more text follows (it may precede a call). */
    private void emit(String piece) {
        if (piece.isEmpty()) {
            return;
        }
        int end = piece.length();
        while (end > 0 && Character.isWhitespace(piece.charAt(end - 1))) {
            end--;
        }
        if (end == 0) {
            heldSpace.append(piece);
            return;
        }
        String out = heldSpace + piece.substring(0, end);
        heldSpace.setLength(0);
        heldSpace.append(piece, end, piece.length());
        if (!calls.isEmpty() && text.isEmpty() && out.isBlank()) {
            return;
        }
        text.append(out);
        events.text(out);
    }

    private void flushSpace() {
        if (heldSpace.length() > 0) {
            String out = heldSpace.toString();
            heldSpace.setLength(0);
            text.append(out);
            events.text(out);
        }
    }

    private static int firstNonSpace(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
