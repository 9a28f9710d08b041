package dev.titans4j.t2.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.Iterator;
import java.util.Optional;

/**
 * Checks tool-call arguments against the tool's parameter schema: required properties present, undeclared ones
 * absent when additional properties are forbidden, and each value of the declared JSON type (strings, integers,
 * numbers, booleans, enums, arrays, nested objects, anyOf). References ({@code $ref}) are not followed.
 */
final class ArgumentsCheck {

    private ArgumentsCheck() {
    }

    /** The first mismatch as "argument 'a.b': expected ..., got ...", or empty when the arguments fit. */
    static Optional<String> problem(JsonObjectSchema schema, JsonNode arguments) {
        if (!arguments.isObject()) {
            return Optional.of("arguments must be a JSON object, got " + describe(arguments));
        }
        return schema == null ? Optional.empty() : check(schema, arguments, "");
    }

    private static Optional<String> check(JsonSchemaElement schema, JsonNode value, String path) {
        if (schema instanceof JsonObjectSchema o) {
            return object(o, value, path);
        }
        if (schema instanceof JsonStringSchema) {
            return expect(value.isTextual(), "a string", value, path);
        }
        if (schema instanceof JsonIntegerSchema) {
            boolean integral = value.isIntegralNumber() || value.isNumber() && value.asDouble() == Math.rint(value.asDouble());
            return expect(integral, "an integer", value, path);
        }
        if (schema instanceof JsonNumberSchema) {
            return expect(value.isNumber(), "a number", value, path);
        }
        if (schema instanceof JsonBooleanSchema) {
            return expect(value.isBoolean(), "a boolean", value, path);
        }
        if (schema instanceof JsonNullSchema) {
            return expect(value.isNull(), "null", value, path);
        }
        if (schema instanceof JsonEnumSchema e) {
            return expect(value.isTextual() && e.enumValues().contains(value.textValue()),
                    "one of " + e.enumValues(), value, path);
        }
        if (schema instanceof JsonArraySchema a) {
            if (!value.isArray()) {
                return expect(false, "an array", value, path);
            }
            for (int i = 0; i < value.size(); i++) {
                Optional<String> p = a.items() == null ? Optional.empty() : check(a.items(), value.get(i), path + "[" + i + "]");
                if (p.isPresent()) {
                    return p;
                }
            }
            return Optional.empty();
        }
        if (schema instanceof JsonAnyOfSchema any) {
            for (JsonSchemaElement alternative : any.anyOf()) {
                if (check(alternative, value, path).isEmpty()) {
                    return Optional.empty();
                }
            }
            return Optional.of("argument '" + path + "' matches none of its anyOf alternatives: " + describe(value));
        }
        return Optional.empty(); // references and other elements: not checked here
    }

    private static Optional<String> object(JsonObjectSchema schema, JsonNode value, String path) {
        if (!value.isObject()) {
            return expect(false, "an object", value, path);
        }
        if (schema.required() != null) {
            for (String name : schema.required()) {
                if (!value.has(name)) {
                    return Optional.of("required argument '" + join(path, name) + "' is missing");
                }
            }
        }
        var properties = schema.properties() == null ? java.util.Map.<String, JsonSchemaElement>of() : schema.properties();
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonSchemaElement property = properties.get(name);
            if (property == null) {
                if (Boolean.FALSE.equals(schema.additionalProperties())) {
                    return Optional.of("argument '" + join(path, name) + "' is not a parameter; expected "
                            + properties.keySet());
                }
                continue;
            }
            JsonNode v = value.get(name);
            if (v.isNull() && (schema.required() == null || !schema.required().contains(name))) {
                continue; // an optional argument left out as null
            }
            Optional<String> p = check(property, v, join(path, name));
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> expect(boolean ok, String expected, JsonNode value, String path) {
        return ok ? Optional.empty()
                : Optional.of("argument '" + (path.isEmpty() ? "(root)" : path) + "': expected " + expected + ", got "
                        + describe(value));
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        return (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }
}
