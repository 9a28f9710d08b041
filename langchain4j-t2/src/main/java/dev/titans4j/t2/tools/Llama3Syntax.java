package dev.titans4j.t2.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.titans4j.t2.constrain.JsonConstraint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Llama 3.1/3.2 JSON function calls: the answer is {@code {"name": ..., "parameters": {...}}} (the
 * {@code <|python_tag|>} some models put first is a special token and never reaches the text). Several calls may
 * follow each other, separated by whitespace or {@code ;}. JSON counts as a call when it has a {@code "name"} and a
 * {@code "parameters"} (or {@code "arguments"}) key, or names an offered tool; such a call that cannot be executed
 * is an error, and so is unparseable JSON that opens like a call ({@code {"name": ..., "parameters"}). Other JSON
 * answers (a person with a name, say) stay text.
 */
final class Llama3Syntax extends ToolCallSyntax {

    static final Llama3Syntax INSTANCE = new Llama3Syntax();
    private static final Pattern CLAIMS_CALL =
            Pattern.compile("^\\s*\\{\\s*\"name\"\\s*:\\s*\"[^\"]*\"\\s*,\\s*\"(parameters|arguments)\"");

    @Override
    List<String> startMarkers() {
        return List.of("{");
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
        boolean claims = CLAIMS_CALL.matcher(region).find();
        List<JsonNode> values;
        try {
            values = ToolCallReader.values(region);
        } catch (IOException | RuntimeException e) {
            if (!claims) {
                return Optional.empty();
            }
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new ToolCallException("the model's tool call is not valid JSON (" + reason + "): "
                    + ToolCallReader.quote(region), e);
        }
        if (values.stream().noneMatch(v -> isCall(v, reader))) {
            return Optional.empty();
        }
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (JsonNode v : values) {
            calls.add(reader.read(v, List.of("parameters", "arguments")));
        }
        return Optional.of(calls);
    }

    private static boolean isCall(JsonNode v, ToolCallReader reader) {
        return v.isObject() && v.path("name").isTextual()
                && (v.has("parameters") || v.has("arguments") || reader.offers(v.get("name").textValue()));
    }

    @Override
    public JsonConstraint requiredCallConstraint(List<ToolSpecification> tools) {
        return JsonConstraint.forToolCall(tools, "parameters");
    }

    @Override
    public String toString() {
        return "llama3";
    }
}
