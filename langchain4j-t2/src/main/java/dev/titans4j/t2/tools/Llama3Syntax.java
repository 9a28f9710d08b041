package dev.titans4j.t2.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
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
 * follow each other, separated by whitespace or {@code ;}. An answer opening with {@code {"name":} that is not a
 * valid call is an error; other JSON answers (say, under a JSON response format) stay text.
 */
final class Llama3Syntax extends ToolCallSyntax {

    static final Llama3Syntax INSTANCE = new Llama3Syntax();
    private static final Pattern CLAIMS_CALL = Pattern.compile("^\\s*\\{\\s*\"name\"\\s*:");

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
        List<JsonNode> values = new ArrayList<>();
        try (MappingIterator<JsonNode> it = PythonJson.MAPPER.readerFor(JsonNode.class)
                .readValues(region.replace("};", "}"))) {
            while (it.hasNextValue()) {
                values.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            if (!claims) {
                return Optional.empty();
            }
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new ToolCallException("the model's tool call is not valid JSON (" + reason + "): "
                    + ToolCallReader.quote(region), e);
        }
        if (!claims && values.stream().noneMatch(v -> v.has("name") && (v.has("parameters") || v.has("arguments")))) {
            return Optional.empty();
        }
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (JsonNode v : values) {
            calls.add(reader.read(v, List.of("parameters", "arguments")));
        }
        return Optional.of(calls);
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
