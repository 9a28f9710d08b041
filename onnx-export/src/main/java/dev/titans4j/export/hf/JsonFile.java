package dev.titans4j.export.hf;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A JSON object read from a configuration file, with typed getters whose errors name the file and the key. */
final class JsonFile {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String name;
    private final JsonNode root;

    private JsonFile(String name, JsonNode root) {
        this.name = name;
        this.root = root;
    }

    /** Reads {@code dir/fileName}; a missing file is an error. */
    static JsonFile read(Path dir, String fileName) throws ModelConfigException {
        Path file = dir.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new ModelConfigException(dir + ": no " + fileName);
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // the original message only: Jackson's full one adds the source path on a second line
            JsonLocation at = e.getLocation();
            throw new ModelConfigException(fileName + ": not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        } catch (IOException e) {
            throw new ModelConfigException(fileName + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelConfigException(fileName + ": not a JSON object");
        }
        return new JsonFile(fileName, root);
    }

    /** Reads {@code dir/fileName}, or an empty object when the file does not exist (optional files). */
    static JsonFile readOptional(Path dir, String fileName) throws ModelConfigException {
        if (!Files.exists(dir.resolve(fileName))) {
            return new JsonFile(fileName, JSON.createObjectNode());
        }
        return read(dir, fileName);
    }

    String name() {
        return name;
    }

    /** The whole object. */
    JsonNode root() {
        return root;
    }

    /** The raw node, {@link MissingNode} when absent (JSON null stays a null node). */
    JsonNode node(String key) {
        return root.path(key);
    }

    /** Present and not JSON null. */
    boolean has(String key) {
        return root.hasNonNull(key);
    }

    ModelConfigException error(String key, String problem) {
        return new ModelConfigException(name + ": '" + key + "' " + problem);
    }

    int requiredInt(String key) throws ModelConfigException {
        if (!has(key)) {
            throw error(key, "is missing");
        }
        return intValue(key, root.get(key));
    }

    /** A required integer that must be positive. */
    int positiveInt(String key) throws ModelConfigException {
        return positive(key, requiredInt(key));
    }

    /** An optional integer that must be positive when present. */
    int positiveInt(String key, int defaultValue) throws ModelConfigException {
        return positive(key, optionalInt(key, defaultValue));
    }

    private int positive(String key, int value) throws ModelConfigException {
        if (value <= 0) {
            throw error(key, "must be positive, found " + value);
        }
        return value;
    }

    int optionalInt(String key, int defaultValue) throws ModelConfigException {
        return has(key) ? intValue(key, root.get(key)) : defaultValue;
    }

    Integer nullableInt(String key) throws ModelConfigException {
        return has(key) ? intValue(key, root.get(key)) : null;
    }

    double optionalDouble(String key, double defaultValue) throws ModelConfigException {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = root.get(key);
        if (!v.isNumber()) {
            throw error(key, "must be a number, found " + v);
        }
        if (!Double.isFinite(v.doubleValue())) { // 1e400 parses as infinity, which no setting means
            throw error(key, "must be a finite number, found " + v.doubleValue());
        }
        return v.doubleValue();
    }

    boolean optionalBoolean(String key, boolean defaultValue) throws ModelConfigException {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = root.get(key);
        if (!v.isBoolean()) {
            throw error(key, "must be true or false, found " + v);
        }
        return v.booleanValue();
    }

    String optionalString(String key, String defaultValue) throws ModelConfigException {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = root.get(key);
        if (!v.isTextual()) {
            throw error(key, "must be a string, found " + v);
        }
        return v.textValue();
    }

    int intValue(String key, JsonNode v) throws ModelConfigException {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(key, "must be an integer, found " + v);
        }
        return v.intValue();
    }
}
