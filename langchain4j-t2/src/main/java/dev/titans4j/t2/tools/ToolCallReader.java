package dev.titans4j.t2.tools;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one tool call the model wrote as JSON ({@code {"name": ..., "<argumentsKey>": {...}}}) into a
 * {@link ToolExecutionRequest}, checking the name against the offered tools and the arguments against its
 * parameters. Model formats without call ids get a generated one (9 alphanumerics, which Mistral's template
 * requires).
 */
final class ToolCallReader {

    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, ToolSpecification> tools = new LinkedHashMap<>();

    ToolCallReader(List<ToolSpecification> tools) {
        tools.forEach(t -> this.tools.put(t.name(), t));
    }

    boolean offers(String name) {
        return tools.containsKey(name);
    }

    /** Parses the calls in {@code text}: one JSON object per call (a model may write several in one region). */
    List<ToolExecutionRequest> readAll(String text, List<String> argumentsKeys) {
        List<JsonNode> values;
        try {
            values = values(text);
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new ToolCallException("the model's tool call is not valid JSON (" + reason + "): " + quote(text), e);
        }
        if (values.isEmpty()) {
            throw new ToolCallException("the model's tool call is empty");
        }
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (JsonNode call : values) {
            calls.add(read(call, argumentsKeys));
        }
        return calls;
    }

    ToolExecutionRequest read(JsonNode call, List<String> argumentsKeys) {
        if (!call.isObject() || !call.path("name").isTextual()) {
            throw new ToolCallException("the model's tool call has no \"name\" string: " + quote(call.toString()));
        }
        String name = call.get("name").textValue();
        ToolSpecification tool = tools.get(name);
        if (tool == null) {
            throw new ToolCallException("the model called an unknown tool '" + name + "'; offered tools: "
                    + tools.keySet());
        }
        JsonNode arguments = null;
        for (String key : argumentsKeys) {
            if (call.has(key)) {
                arguments = call.get(key);
                break;
            }
        }
        if (arguments == null || arguments.isNull() || arguments.isTextual() && arguments.textValue().isBlank()) {
            arguments = PythonJson.MAPPER.createObjectNode(); // no arguments; blank reads as {}, as the chat formats do
        }
        if (arguments.isTextual()) { // some models write the arguments object as a JSON string
            try {
                arguments = PythonJson.MAPPER.readTree(arguments.textValue());
            } catch (JsonProcessingException e) {
                throw new ToolCallException("tool '" + name + "': arguments are a string that is not JSON: "
                        + quote(arguments.textValue()), e);
            }
        }
        Optional<String> problem = ArgumentsCheck.problem(tool.parameters(), arguments);
        if (problem.isPresent()) {
            throw new ToolCallException("the model's call of tool '" + name + "' does not match its parameters: "
                    + problem.get() + "; call: " + quote(call.toString()));
        }
        String id = call.path("id").isTextual() ? call.get("id").textValue() : newId();
        return ToolExecutionRequest.builder().id(id).name(name).arguments(arguments.toString()).build();
    }

    /**
     * The JSON values written one after another in {@code text}, separated by whitespace or {@code ;} (Llama 3
     * separates calls with {@code "; "}); separators are skipped between values only, never inside a string.
     */
    static List<JsonNode> values(String text) throws IOException {
        List<JsonNode> values = new ArrayList<>();
        int at = 0;
        while (true) {
            while (at < text.length() && (text.charAt(at) == ';' || Character.isWhitespace(text.charAt(at)))) {
                at++;
            }
            if (at == text.length()) {
                return values;
            }
            try (JsonParser parser = PythonJson.MAPPER.createParser(text.substring(at))) {
                values.add(PythonJson.MAPPER.readTree(parser));
                at += (int) parser.currentLocation().getCharOffset();
            }
        }
    }

    static String newId() {
        StringBuilder id = new StringBuilder(9);
        for (int i = 0; i < 9; i++) {
            id.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
        }
        return id.toString();
    }

    static String quote(String text) {
        String t = text.length() > 200 ? text.substring(0, 197) + "..." : text;
        return "'" + t + "'";
    }
}
