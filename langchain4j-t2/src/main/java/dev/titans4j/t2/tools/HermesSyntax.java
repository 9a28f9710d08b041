package dev.titans4j.t2.tools;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.titans4j.t2.constrain.JsonConstraint;
import java.util.List;
import java.util.Optional;

/**
 * Qwen2.5 / Hermes calls: each {@code <tool_call>\n{"name": ..., "arguments": ...}\n</tool_call>}. Everything
 * inside the tags must be executable calls (a model may write several objects in one pair of tags); a
 * {@code <tool_call>} left open at the end of the answer is an error.
 */
final class HermesSyntax extends ToolCallSyntax {

    static final HermesSyntax INSTANCE = new HermesSyntax();
    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";

    @Override
    List<String> startMarkers() {
        return List.of(OPEN);
    }

    @Override
    boolean onlyAtStart() {
        return false;
    }

    @Override
    String endMarker() {
        return CLOSE;
    }

    /** The first {@code </tool_call>} outside a JSON string: argument text may contain the tag. */
    @Override
    int endMarkerAt(String region) {
        boolean inString = false;
        for (int i = OPEN.length(); i < region.length(); i++) {
            char c = region.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++; // the escaped character cannot end the string
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (region.startsWith(CLOSE, i)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    Optional<List<ToolExecutionRequest>> parseRegion(String region, ToolCallReader reader) {
        String body = region.substring(OPEN.length(), region.length() - CLOSE.length()).strip();
        return Optional.of(reader.readAll(body, List.of("arguments", "parameters")));
    }

    @Override
    public JsonConstraint requiredCallConstraint(List<ToolSpecification> tools) {
        return JsonConstraint.literalThen(OPEN + "\n", JsonConstraint.forToolCall(tools), "\n" + CLOSE);
    }

    @Override
    public String toString() {
        return "hermes";
    }
}
