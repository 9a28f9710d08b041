package dev.titans4j.export.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates the JSON header of a safetensors file against the size of its data region. After
 * {@link #parse} succeeds every tensor has a supported dtype, a size that matches its shape, and a byte range inside
 * the data region that overlaps no other tensor, so reading can trust the offsets. Unused bytes between tensors are
 * tolerated (they cannot change what is read), but the data region must end with its last tensor, as the reference
 * safetensors library requires: bytes after it mean the header length is wrong (a length a few bytes short still
 * parses when the header was padded, and shifts every tensor into garbage) or the file was appended to.
 * {@code __metadata__} must map strings to strings.
 */
final class SafetensorsHeader {

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String file;
    private final long dataSize;
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private SafetensorsHeader(String file, long dataSize) {
        this.file = file;
        this.dataSize = dataSize;
    }

    /**
     * @param file     name used in error messages
     * @param json     the header bytes (UTF-8 JSON, possibly padded with trailing spaces)
     * @param dataSize bytes in the data region after the header
     */
    static SafetensorsHeader parse(String file, byte[] json, long dataSize) throws SafetensorsException {
        SafetensorsHeader header = new SafetensorsHeader(file, dataSize);
        header.read(json);
        header.checkNoOverlaps();
        header.checkNothingAfterTheLastTensor();
        return header;
    }

    Map<String, TensorInfo> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    private void read(byte[] json) throws SafetensorsException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw SafetensorsException.forFile(file, "header is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw SafetensorsException.forFile(file, "header cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw SafetensorsException.forFile(file, "header is not a JSON object");
        }
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (entry.getKey().equals(METADATA_KEY)) {
                readMetadata(entry.getValue());
            } else {
                TensorInfo info = readTensor(entry.getKey(), entry.getValue());
                tensors.put(info.name(), info);
            }
        }
    }

    private void readMetadata(JsonNode node) throws SafetensorsException {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw SafetensorsException.forFile(file, METADATA_KEY + " is not a JSON object");
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw SafetensorsException.forFile(file,
                        METADATA_KEY + " value of '" + entry.getKey() + "' is not a string");
            }
            metadata.put(entry.getKey(), entry.getValue().textValue());
        }
    }

    private TensorInfo readTensor(String name, JsonNode node) throws SafetensorsException {
        if (!node.isObject()) {
            throw problem(name, "entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw problem(name, "missing \"dtype\"");
        }
        DType dtype = DType.fromHeader(dtypeNode.textValue()).orElseThrow(() -> problem(name,
                "unsupported dtype " + dtypeNode.textValue() + " (supported: F32, F16, BF16)"));
        long[] shape = readLongs(name, node, "shape", -1);
        long[] offsets = readLongs(name, node, "data_offsets", 2);
        long begin = offsets[0];
        long end = offsets[1];
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (begin > end) {
            throw problem(name, range + " end before they begin");
        }
        if (end > dataSize) {
            throw problem(name, range + " extend past the end of the data region (" + dataSize
                    + " bytes); the file is truncated or the header is wrong");
        }
        long expectedBytes = byteSize(name, shape, dtype);
        if (end - begin != expectedBytes) {
            throw problem(name, range + " do not match shape " + TensorInfo.formatShape(shape) + " of " + dtype
                    + " (" + expectedBytes + " bytes)");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private long[] readLongs(String name, JsonNode node, String key, int requiredLength)
            throws SafetensorsException {
        JsonNode array = node.get(key);
        if (array == null || !array.isArray()) {
            throw problem(name, "missing \"" + key + "\" array");
        }
        if (requiredLength >= 0 && array.size() != requiredLength) {
            throw problem(name, "\"" + key + "\" must have " + requiredLength + " entries, found " + array.size());
        }
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw problem(name, "\"" + key + "\" entry " + v + " is not a non-negative integer");
            }
            values[i] = v.longValue();
        }
        return values;
    }

    private long byteSize(String name, long[] shape, DType dtype) throws SafetensorsException {
        try {
            long bytes = dtype.byteSize();
            for (long d : shape) {
                bytes = Math.multiplyExact(bytes, d);
            }
            return bytes;
        } catch (ArithmeticException e) {
            throw problem(name, "shape " + TensorInfo.formatShape(shape) + " of " + dtype + " is too large");
        }
    }

    private void checkNoOverlaps() throws SafetensorsException {
        List<TensorInfo> byOffset = new ArrayList<>();
        for (TensorInfo t : tensors.values()) {
            if (t.byteSize() > 0) {
                byOffset.add(t);
            }
        }
        byOffset.sort(Comparator.comparingLong(TensorInfo::dataStart));
        for (int i = 1; i < byOffset.size(); i++) {
            TensorInfo previous = byOffset.get(i - 1);
            TensorInfo current = byOffset.get(i);
            if (current.dataStart() < previous.dataEnd()) {
                throw problem(current.name(), "data_offsets [" + current.dataStart() + ", " + current.dataEnd()
                        + "] overlap tensor '" + previous.name() + "' [" + previous.dataStart() + ", "
                        + previous.dataEnd() + "]");
            }
        }
    }

    private void checkNothingAfterTheLastTensor() throws SafetensorsException {
        TensorInfo last = null;
        for (TensorInfo t : tensors.values()) {
            if (last == null || t.dataEnd() > last.dataEnd()) {
                last = t;
            }
        }
        long end = last == null ? 0 : last.dataEnd();
        if (end < dataSize) {
            String after = last == null ? "the header (the file has no tensors)" : "the last tensor ('" + last.name() + "' ends at data byte "
                    + end + ")";
            throw SafetensorsException.forFile(file, (dataSize - end) + " unused bytes after " + after
                    + "; the header length is wrong or bytes were appended to the file");
        }
    }

    private SafetensorsException problem(String tensor, String problem) {
        return SafetensorsException.forTensor(file, tensor, problem);
    }
}
