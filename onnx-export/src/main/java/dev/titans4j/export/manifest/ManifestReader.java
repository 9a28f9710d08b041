package dev.titans4j.export.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.titans4j.export.manifest.ModelManifest.InvalidManifestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code manifest.json}: the JSON types strictly, then the values the runtime relies on; every problem is one
 * message that names the file and the field.
 */
final class ManifestReader {

    /**
     * No silent conversions: {@code "1"} or {@code 64.5} where a whole number belongs is an error, and so is a number
     * or boolean where a string belongs.
     */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(LogicalType.Textual, text -> text
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();
    private static final Pattern CRC32C = Pattern.compile("[0-9a-f]{8}");

    private ManifestReader() {
    }

    static ModelManifest read(Path folder) throws IOException {
        Path file = folder.resolve(ModelManifest.FILE_NAME);
        JsonNode node;
        try {
            node = STRICT.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new InvalidManifestException(file + ": not found; is " + folder
                    + " a folder written by the titans4j exporter? (run: titans4j export --input HF_DIR --output DIR)");
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidManifestException(file + ": expected a JSON object");
        }
        if (!ModelManifest.FORMAT.equals(node.path("format").asText(null))) {
            throw new InvalidManifestException(file + ": format is '" + node.path("format").asText("")
                    + "', expected '" + ModelManifest.FORMAT + "'");
        }
        checkVersion(file, node.get("manifestVersion"));
        ModelManifest m;
        try {
            m = STRICT.treeToValue(node, ModelManifest.class);
        } catch (MismatchedInputException e) {
            throw new InvalidManifestException(file + ": " + typeError(e, node));
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException(file + ": " + e.getOriginalMessage());
        }
        validate(file, m);
        return m;
    }

    private static void checkVersion(Path file, JsonNode version) {
        if (version == null) {
            throw new InvalidManifestException(file + ": missing field 'manifestVersion'");
        }
        if (!version.isInt()) {
            throw new InvalidManifestException(file + ": 'manifestVersion' must be a whole number, got "
                    + describe(version));
        }
        if (!ModelManifest.SUPPORTED_VERSIONS.contains(version.intValue())) {
            throw new InvalidManifestException(file + ": manifest version " + version.intValue()
                    + " is not supported by this runtime (supported: " + ModelManifest.SUPPORTED_VERSIONS
                    + "); re-export the model with a matching titans4j version");
        }
    }

    /** "'dimensions.hiddenSize' must be a whole number, got "64" (a string)". */
    private static String typeError(MismatchedInputException e, JsonNode root) {
        StringBuilder field = new StringBuilder();
        JsonNode value = root;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(ref.getFieldName());
                value = value == null ? null : value.get(ref.getFieldName());
            } else {
                field.append('[').append(ref.getIndex()).append(']');
                value = value == null ? null : value.get(ref.getIndex());
            }
        }
        return "'" + field + "' must be " + expected(e.getTargetType()) + ", got " + describe(value);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(", "));
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        if (value.isTextual()) {
            return value + " (a string)";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isObject()) {
            return "an object";
        }
        return value.toString();
    }

    private static void validate(Path file, ModelManifest m) {
        for (Object[] field : new Object[][] {{"architecture", m.architecture()}, {"precision", m.precision()},
                {"dimensions", m.dimensions()}, {"tokens", m.tokens()}, {"files", m.files()},
                {"inputs", m.inputs()}, {"outputs", m.outputs()}, {"kvCache", m.kvCache()},
                {"chatFormat", m.chatFormat()}}) {
            if (field[1] == null) {
                throw new InvalidManifestException(file + ": missing field '" + field[0] + "'");
            }
        }
        if (m.hasChatSettings()) {
            for (Object[] field : new Object[][] {{"chat", m.chat()}, {"generation", m.generation()}}) {
                if (field[1] == null) {
                    throw new InvalidManifestException(file + ": missing field '" + field[0] + "' (required from"
                            + " manifest version " + ModelManifest.CHAT_SETTINGS_VERSION + ")");
                }
            }
        }
        if (m.files().model() == null || m.files().model().isBlank()) {
            throw new InvalidManifestException(file + ": missing field 'files.model'");
        }
        if (m.plainCompanion() != null && (m.plainCompanion().model() == null
                || m.plainCompanion().model().isBlank())) {
            throw new InvalidManifestException(file + ": missing field 'plainCompanion.model'");
        }
        if (!"float32".equals(m.kvCache().dtype()) && !"float16".equals(m.kvCache().dtype())) {
            throw new InvalidManifestException(file + ": kvCache.dtype '" + m.kvCache().dtype()
                    + "' is not supported (float32, float16)");
        }
        Integer recompute = m.kvCache().recomputeBeyond();
        if (recompute != null && recompute < 1) {
            throw new InvalidManifestException(file + ": kvCache.recomputeBeyond must be positive, found "
                    + recompute);
        }
        ModelManifest.Svf svf = m.svf();
        if (svf != null && svf.enabled() && (svf.file() == null || svf.matrices() == null
                || svf.matrices().isEmpty())) {
            throw new InvalidManifestException(file + ": svf is enabled but lists no file or matrices");
        }
        checkFileNames(file, m);
        checkDimensions(file, m.dimensions());
        checkTokenIds(file, m.tokens(), m.dimensions().vocabSize());
        checkDigests(file, m.fileDigests());
    }

    /** The files the runtime opens are resolved against the folder: each must be one of its files, as digests are. */
    private static void checkFileNames(Path file, ModelManifest m) {
        ModelManifest.Files f = m.files();
        Map<String, String> names = new LinkedHashMap<>();
        names.put("files.model", f.model());
        names.put("files.externalData", f.externalData());
        names.put("files.tokenizer", f.tokenizer());
        names.put("files.tokenizerConfig", f.tokenizerConfig());
        names.put("files.generationConfig", f.generationConfig());
        if (m.plainCompanion() != null) {
            names.put("plainCompanion.model", m.plainCompanion().model());
            names.put("plainCompanion.externalData", m.plainCompanion().externalData());
        }
        if (m.svf() != null) {
            names.put("svf.file", m.svf().file());
        }
        names.forEach((field, name) -> {
            if (name != null && !FolderNames.staysInside(name)) {
                throw new InvalidManifestException(file + ": '" + field + "' is '" + name
                        + "', not a file name in the model folder");
            }
        });
    }

    private static void checkDimensions(Path file, ModelManifest.Dimensions d) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("hiddenSize", d.hiddenSize());
        sizes.put("intermediateSize", d.intermediateSize());
        sizes.put("numLayers", d.numLayers());
        sizes.put("numHeads", d.numHeads());
        sizes.put("numKvHeads", d.numKvHeads());
        sizes.put("headDim", d.headDim());
        sizes.put("vocabSize", d.vocabSize());
        sizes.put("contextLength", d.contextLength());
        sizes.forEach((name, value) -> {
            if (value <= 0) {
                throw new InvalidManifestException(file + ": 'dimensions." + name + "' must be positive, got "
                        + value);
            }
        });
    }

    /** BOS is fed to the model and EOS ends generation: an id outside the vocabulary would never work. */
    private static void checkTokenIds(Path file, ModelManifest.Tokens tokens, int vocabSize) {
        checkTokenId(file, "tokens.bosTokenId", tokens.bosTokenId(), vocabSize);
        List<Integer> eos = tokens.eosTokenIds();
        for (int i = 0; eos != null && i < eos.size(); i++) {
            String field = "tokens.eosTokenIds[" + i + "]";
            if (eos.get(i) == null) {
                throw new InvalidManifestException(file + ": '" + field + "' must be a whole number, got null");
            }
            checkTokenId(file, field, eos.get(i), vocabSize);
        }
    }

    private static void checkTokenId(Path file, String field, Integer id, int vocabSize) {
        if (id != null && (id < 0 || id >= vocabSize)) {
            throw new InvalidManifestException(file + ": '" + field + "' is " + id
                    + ", outside the vocabulary (0.." + (vocabSize - 1) + ", dimensions.vocabSize " + vocabSize
                    + ")");
        }
    }

    /** Digest names are plain file names in the model folder: nothing outside it is ever read. */
    private static void checkDigests(Path file, Map<String, FileDigest> digests) {
        if (digests == null) {
            return;
        }
        digests.forEach((name, digest) -> {
            String field = "'fileDigests." + name;
            if (!FolderNames.staysInside(name)) {
                throw new InvalidManifestException(file + ": " + field + "' is not a file name in the model folder");
            }
            if (digest == null) {
                throw new InvalidManifestException(file + ": " + field + "' must be an object, got null");
            }
            if (digest.size() < 0) {
                throw new InvalidManifestException(file + ": " + field + ".size' must be >= 0, got "
                        + digest.size());
            }
            if (digest.crc32c() == null || !CRC32C.matcher(digest.crc32c()).matches()) {
                throw new InvalidManifestException(file + ": " + field + ".crc32c' must be 8 lower-case hex digits,"
                        + " got " + (digest.crc32c() == null ? "nothing" : "'" + digest.crc32c() + "'"));
            }
        });
    }
}
