package dev.titans4j.export.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The weights of a Hugging Face model folder: either one {@code model.safetensors} (preferred when present, as in
 * transformers), or shards listed by {@code model.safetensors.index.json} ({@code weight_map}: tensor name → shard
 * file name).
 *
 * <p>{@link #open} validates every file and the index before returning: each shard the index names must be a file
 * inside the folder, every listed tensor must be in its shard, no tensor may appear in two shards, and a shard may
 * not hold tensors the index does not list (an index that disagrees with its shards is not trusted).
 */
public final class Checkpoint implements Closeable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path directory;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileOf;

    private Checkpoint(Path directory, List<SafetensorsFile> files, Map<String, SafetensorsFile> fileOf) {
        this.directory = directory;
        this.files = List.copyOf(files);
        this.fileOf = Collections.unmodifiableMap(fileOf);
    }

    /** Opens the weights of {@code hfDir}. */
    public static Checkpoint open(Path hfDir) throws SafetensorsException {
        if (!Files.isDirectory(hfDir)) {
            throw new SafetensorsException(hfDir + ": not a directory");
        }
        // like transformers, a single model.safetensors wins over an index next to it
        Path single = hfDir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
            file.tensors().keySet().forEach(name -> fileOf.put(name, file));
            return new Checkpoint(hfDir, List.of(file), fileOf);
        }
        Path index = hfDir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(hfDir, index);
        }
        throw new SafetensorsException(hfDir + ": no " + SINGLE_FILE + " or " + INDEX_FILE
                + " (only safetensors checkpoints are supported)");
    }

    private static Checkpoint openSharded(Path dir, Path index) throws SafetensorsException {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> entry : weightMap.entrySet()) {
                String shardName = entry.getValue();
                if (!shards.containsKey(shardName)) {
                    shards.put(shardName, SafetensorsFile.open(shardPath(dir, shardName, entry.getKey())));
                }
            }
            Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : weightMap.entrySet()) {
                SafetensorsFile shard = shards.get(entry.getValue());
                if (!shard.tensors().containsKey(entry.getKey())) {
                    throw SafetensorsException.forTensor(INDEX_FILE, entry.getKey(), "mapped to "
                            + entry.getValue() + ", which does not contain it");
                }
                fileOf.put(entry.getKey(), shard);
            }
            checkShardsAgreeWithIndex(shards, weightMap);
            return new Checkpoint(dir, new ArrayList<>(shards.values()), fileOf);
        } catch (SafetensorsException | RuntimeException e) {
            for (SafetensorsFile shard : shards.values()) {
                try {
                    shard.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static Map<String, String> readWeightMap(Path index) throws SafetensorsException {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (JsonProcessingException e) {
            throw SafetensorsException.forFile(INDEX_FILE, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw SafetensorsException.forFile(INDEX_FILE, "cannot read: " + e.getMessage());
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw SafetensorsException.forFile(INDEX_FILE, "missing \"weight_map\" object");
        }
        if (map.isEmpty()) {
            throw SafetensorsException.forFile(INDEX_FILE, "\"weight_map\" is empty");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            if (!entry.getValue().isTextual()) {
                throw SafetensorsException.forTensor(INDEX_FILE, entry.getKey(),
                        "shard name " + entry.getValue() + " is not a string");
            }
            weightMap.put(entry.getKey(), entry.getValue().textValue());
        }
        return weightMap;
    }

    private static Path shardPath(Path dir, String shardName, String tensor) throws SafetensorsException {
        Path folder = dir.toAbsolutePath().normalize();
        Path shard;
        try {
            shard = folder.resolve(shardName).normalize();
        } catch (InvalidPathException e) { // a NUL character, say: no file can have that name
            shard = null;
        }
        if (shardName.isEmpty() || shard == null || !folder.equals(shard.getParent())) {
            throw SafetensorsException.forTensor(INDEX_FILE, tensor, "shard '" + shardName
                    + "' is not a file name inside the model folder");
        }
        if (!Files.isRegularFile(shard)) {
            throw SafetensorsException.forTensor(INDEX_FILE, tensor, "shard '" + shardName + "' does not exist");
        }
        return shard;
    }

    private static void checkShardsAgreeWithIndex(Map<String, SafetensorsFile> shards,
            Map<String, String> weightMap) throws SafetensorsException {
        Map<String, String> storedIn = new LinkedHashMap<>();
        for (Map.Entry<String, SafetensorsFile> shard : shards.entrySet()) {
            for (String tensor : shard.getValue().tensors().keySet()) {
                String earlier = storedIn.putIfAbsent(tensor, shard.getKey());
                if (earlier != null) {
                    throw SafetensorsException.forTensor(INDEX_FILE, tensor, "stored in both "
                            + first(earlier, shard.getKey()) + " and " + second(earlier, shard.getKey()));
                }
            }
        }
        for (Map.Entry<String, String> stored : storedIn.entrySet()) {
            if (!stored.getValue().equals(weightMap.get(stored.getKey()))) {
                throw SafetensorsException.forTensor(INDEX_FILE, stored.getKey(), "present in "
                        + stored.getValue() + " but the index does not map it there");
            }
        }
    }

    private static String first(String a, String b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String second(String a, String b) {
        return a.compareTo(b) <= 0 ? b : a;
    }

    /** The model folder. */
    public Path directory() {
        return directory;
    }

    /** All tensor names, in index (or header) order. */
    public Set<String> names() {
        return fileOf.keySet();
    }

    /** Whether the checkpoint has a tensor called {@code name}. */
    public boolean has(String name) {
        return fileOf.containsKey(name);
    }

    /** Header entry of tensor {@code name}; {@link IllegalArgumentException} if absent (check {@link #has}). */
    public TensorInfo info(String name) {
        return fileFor(name).tensors().get(name);
    }

    /**
     * Tensor values as float32, row-major. Every value must be finite: a NaN or infinity in a weight would only show
     * up at run time (NaN logits) or as an SVD that does not converge, so it is rejected here, naming the tensor and
     * the first bad flat index. The check is one pass over values just read (about 0.4 ns a value, like copying them).
     */
    public float[] floats(String name) throws SafetensorsException {
        SafetensorsFile file = fileFor(name);
        float[] values = file.readFloats(name);
        int bad = firstNonFinite(values);
        if (bad >= 0) {
            throw SafetensorsException.forTensor(file.path().getFileName().toString(), name, "value at flat index "
                    + bad + " is " + values[bad] + "; every weight must be finite");
        }
        return values;
    }

    /** Index of the first NaN or infinity, or -1 (memory-bound: about as fast as copying the array). */
    private static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The stored tensor that a file's {@code __metadata__} names as the copy of the absent tensor {@code name}, or
     * empty. safetensors' {@code save_model} and the Hub's convert script drop tensors that share storage and note
     * {@code dropped → kept} there; transformers never reads these notes, so they only explain a missing tensor.
     */
    public Optional<String> metadataAlias(String name) {
        for (SafetensorsFile file : files) {
            String stored = file.metadata().get(name);
            if (stored != null && !has(name) && has(stored)) {
                return Optional.of(stored);
            }
        }
        return Optional.empty();
    }

    /** The safetensors file holding tensor {@code name}. */
    public Path fileOf(String name) {
        return fileFor(name).path();
    }

    /** Total bytes of tensor data over all files (headers excluded). */
    public long totalBytes() {
        long total = 0;
        for (SafetensorsFile file : files) {
            for (TensorInfo info : file.tensors().values()) {
                total += info.byteSize();
            }
        }
        return total;
    }

    /** The opened safetensors files (one, or one per shard). */
    public List<SafetensorsFile> files() {
        return files;
    }

    private SafetensorsFile fileFor(String name) {
        SafetensorsFile file = fileOf.get(name);
        if (file == null) {
            throw new IllegalArgumentException(directory + ": checkpoint has no tensor '" + name + "'");
        }
        return file;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile file : files) {
            try {
                file.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
