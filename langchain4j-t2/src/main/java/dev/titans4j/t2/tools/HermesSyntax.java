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
