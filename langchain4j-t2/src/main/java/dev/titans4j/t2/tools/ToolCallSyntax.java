package dev.titans4j.t2.tools;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.titans4j.t2.constrain.JsonConstraint;
import java.util.List;
import java.util.Optional;

/**
 * How a model family writes tool calls in its answer: where a call starts (a marker such as {@code <tool_call>}, or
 * JSON at the very start of the answer), how the call text is parsed, and the grammar that forces a call
 * ({@code ToolChoice.REQUIRED}). Stateless and shared; {@link #newStream} opens a per-answer parser.
 *
 * <p>Malformed output, documented per family: text that claims to be a tool call (inside the family's call markup,
 * or JSON with a {@code "name"} key where calls are bare JSON) and cannot be executed fails with a
 * {@link ToolCallException} naming the problem; answer text that does not claim to be a call stays text.
 */
public abstract class ToolCallSyntax {

    /** Qwen2.5 / Hermes: {@code <tool_call>\n{"name": ..., "arguments": ...}\n</tool_call>}, any number, anywhere. */
    public static ToolCallSyntax hermes() {
        return HermesSyntax.INSTANCE;
    }

    /** Llama 3.1/3.2: the whole answer is {@code {"name": ..., "parameters": ...}}. */
    public static ToolCallSyntax llama3() {
        return Llama3Syntax.INSTANCE;
    }

    /** Mistral v0.3: {@code [TOOL_CALLS] [{"name": ..., "arguments": ...}, ...]} as the whole answer. */
    public static ToolCallSyntax mistral() {
        return MistralSyntax.INSTANCE;
    }

    /** Markers that open a call region. */
    abstract List<String> startMarkers();

    /** Whether calls may only open the answer (after whitespace), or may follow text. */
    abstract boolean onlyAtStart();

    /** The marker that closes one call region, or null when a region runs to the end of the answer. */
    abstract String endMarker();

    /** Where the {@link #endMarker()} that closes {@code region} (start marker included) begins, or -1. */
    int endMarkerAt(String region) {
        return region.indexOf(endMarker());
    }

    /**
     * The calls in a region (start marker included; end marker included when there is one), or empty when the
     * region does not claim to be a tool call and is answer text after all.
     *
     * @throws ToolCallException when it claims to be a call but cannot be executed
     */
    abstract Optional<List<ToolExecutionRequest>> parseRegion(String region, ToolCallReader reader);

    /**
     * The grammar of an answer that is exactly one tool call, for {@code ToolChoice.REQUIRED}. One, not several:
     * a small model tends to repeat calls until the token limit cuts the last one off; unforced answers may still
     * hold several calls.
     */
    public abstract JsonConstraint requiredCallConstraint(List<ToolSpecification> tools);

    /** A parser for one answer, reporting to {@code events} as text arrives. */
    public ToolCallStream newStream(List<ToolSpecification> tools, ToolCallStream.Events events) {
        return new ToolCallStream(this, new ToolCallReader(tools), events);
    }

    /** Parses a whole answer. */
    public ParsedAnswer parse(String answer, List<ToolSpecification> tools) {
        ToolCallStream stream = newStream(tools, ToolCallStream.Events.NONE);
        stream.push(answer);
        return stream.finish();
    }
}
