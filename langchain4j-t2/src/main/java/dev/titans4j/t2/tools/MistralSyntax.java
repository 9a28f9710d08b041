package dev.titans4j.t2.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.titans4j.t2.constrain.JsonConstraint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mistral v0.3 calls: {@code [TOOL_CALLS] [{"name": ..., "arguments": {...}}, ...]}. {@code [TOOL_CALLS]} is a
 * control token in Mistral's v3 tokenizer, which decoding drops, so an answer that is a JSON array of
 * {@code {"name", "arguments"}} objects counts as calls too. After {@code [TOOL_CALLS]} anything but a valid list of
 * calls is an error; a bare JSON array counts as calls only when each item has a {@code "name"} and either
 * {@code "arguments"} or an offered tool's name, else it stays text. Several lists in a row are read in order.
 */
final class MistralSyntax extends ToolCallSyntax {

    static final MistralSyntax INSTANCE = new MistralSyntax();
    static final String MARKER = "[TOOL_CALLS]";

    @Override
    List<String> startMarkers() {
        return List.of(MARKER, "[");
    }

    @Override
    boolean onlyAtStart() {
        return true;
    }

    @Override
    String endMarker() {
        return null;
    }

    @Override
    Optional<List<ToolExecutionRequest>> parseRegion(String region, ToolCallReader reader) {
        String stripped = region.strip();
        boolean claims = stripped.startsWith(MARKER);
        String json = claims ? stripped.substring(MARKER.length()) : stripped;
        List<JsonNode> lists;
        try {
            lists = ToolCallReader.values(json);
        } catch (IOException e) {
            if (!claims) {
                return Optional.empty();
            }
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new ToolCallException("the model's tool calls after " + MARKER + " are not valid JSON ("
                    + reason + "): " + ToolCallReader.quote(json), e);
        }
        boolean callList = !lists.isEmpty();
        for (JsonNode list : lists) {
            callList &= list.isArray() && !list.isEmpty();
            for (JsonNode item : list) {
                callList &= item.isObject() && item.path("name").isTextual() && (claims || item.has("arguments")
                        || reader.offers(item.get("name").textValue()));
            }
        }
        if (!callList) {
            if (!claims) {
                return Optional.empty();
            }
            throw new ToolCallException("expected a JSON list of {\"name\", \"arguments\"} objects after " + MARKER
                    + ", got " + ToolCallReader.quote(json));
        }
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (JsonNode list : lists) {
            for (JsonNode item : list) {
                calls.add(reader.read(item, List.of("arguments", "parameters")));
            }
        }
        return Optional.of(calls);
    }

    @Override
    public JsonConstraint requiredCallConstraint(List<ToolSpecification> tools) {
        // a list of exactly one call (a bare array schema would allow an empty list)
        return JsonConstraint.literalThen("[", JsonConstraint.forToolCall(tools), "]");
    }

    @Override
    public String toString() {
        return "mistral";
    }
}
