package dev.titans4j.t2.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import java.util.Map;

/**
 * A {@link ToolSpecification} as the OpenAI-style function object that Hugging Face chat templates receive:
 * {@code {"type": "function", "function": {"name", "description", "parameters"}}}.
 */
public final class ToolSignatures {

    private ToolSignatures() {
    }

    public static ObjectNode function(ToolSpecification tool) {
        ObjectNode function = PythonJson.MAPPER.createObjectNode();
        function.put("name", tool.name());
        if (tool.description() != null) {
            function.put("description", tool.description());
        }
        function.set("parameters", parameters(tool));
        return function;
    }

    /** {@code {"type": "function", "function": ...}}. */
    public static ObjectNode typed(ToolSpecification tool) {
        ObjectNode typed = PythonJson.MAPPER.createObjectNode();
        typed.put("type", "function");
        typed.set("function", function(tool));
        return typed;
    }

    /** The parameters' JSON schema; a tool without parameters takes an empty object. */
    public static JsonNode parameters(ToolSpecification tool) {
        if (tool.parameters() == null) {
            ObjectNode empty = PythonJson.MAPPER.createObjectNode();
            empty.put("type", "object");
            empty.putObject("properties");
            return empty;
        }
        Map<String, Object> map = JsonSchemaElementUtils.toMap(tool.parameters());
        return PythonJson.MAPPER.valueToTree(map);
    }
}
