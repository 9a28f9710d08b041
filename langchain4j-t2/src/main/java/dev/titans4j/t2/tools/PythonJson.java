package dev.titans4j.t2.tools;

import dev.titans4j.t2.constrain.JsonText;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON text as the chat templates' {@code tojson} filter writes it: Python's {@code json.dumps} with
 * {@code ensure_ascii=False}, separators {@code ", "} and {@code ": "}, keys in their given order, optionally indented.
 * Templates print tool signatures and call arguments this way, so prompts must match it byte for byte.
 */
public final class PythonJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private PythonJson() {
    }

    /** One-line JSON ({@code indent=None}). */
    public static String dumps(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, -1, 0, out);
        return out.toString();
    }

    /** Indented JSON ({@code indent=n}): items on their own lines, {@code ","} then newline between them. */
    public static String dumps(JsonNode node, int indent) {
        StringBuilder out = new StringBuilder();
        write(node, indent, 0, out);
        return out.toString();
    }

    /** Re-writes JSON text (e.g. tool-call arguments) in this style; blank text is an empty object. */
    public static String reformat(String json) {
        if (json == null || json.isBlank()) {
            return "{}";
        }
        try {
            return dumps(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tool-call arguments are not valid JSON: " + json, e);
        }
    }

    private static void write(JsonNode node, int indent, int depth, StringBuilder out) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            boolean first = true;
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                separator(out, first, indent, depth + 1);
                first = false;
                string(e.getKey(), out);
                out.append(": ");
                write(e.getValue(), indent, depth + 1, out);
            }
            close(out, indent, depth);
            out.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            boolean first = true;
            for (JsonNode item : node) {
                separator(out, first, indent, depth + 1);
                first = false;
                write(item, indent, depth + 1, out);
            }
            close(out, indent, depth);
            out.append(']');
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else {
            out.append(node.toString()); // numbers, booleans, null
        }
    }

    private static void separator(StringBuilder out, boolean first, int indent, int depth) {
        if (indent < 0) {
            if (!first) {
                out.append(", ");
            }
        } else {
            out.append(first ? "\n" : ",\n").append(" ".repeat(indent * depth));
        }
    }

    private static void close(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    /** A JSON string literal as Python escapes it with {@code ensure_ascii=False}. */
    static void string(String s, StringBuilder out) {
        out.append(JsonText.quote(s));
    }
}
