package dev.titans4j.titans.chat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.titans4j.titans.memory.MemoryConfig;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The settings stored state must match to be read: those that shape what the neural memories hold. The neural
 * layout, the context weight of the keys, and the embedding model that wrote the keys (a state written by one model
 * reads as noise under another of the same dimension). Settings that only bound or present what is stored (window,
 * segment length, archive capacity, recall budget) are left out, so changing them keeps old state readable.
 */
record StateFingerprint(String neural, double contextWeight, String embeddingModel) {

    /** Separates the content memory's description from the context memory's in {@link #neural}. */
    private static final String CONTEXT_PART = " | context ";

    /** {@code contextMemoryConfig} is null when there is no context memory (context weight 0). */
    static StateFingerprint of(MemoryConfig memoryConfig, MemoryConfig contextMemoryConfig, double contextWeight,
                               EmbeddingModel model) {
        String neural = memoryConfig.describe()
                + (contextMemoryConfig == null ? "" : CONTEXT_PART + contextMemoryConfig.describe());
        return new StateFingerprint(neural, contextWeight, identify(model));
    }

    /** Class, dimension and (where the model reports one) model name; stable across runs. */
    static String identify(EmbeddingModel model) {
        String type = model.getClass().getName();
        int generated = type.indexOf("$$"); // lambdas and runtime proxies get a per-run suffix
        if (generated >= 0) {
            type = type.substring(0, generated);
        }
        String name = model.modelName();
        boolean named = name != null && !name.isBlank() && !name.equals("unknown");
        return type + " (dimension " + model.dimension() + (named ? ", model " + name : "") + ")";
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeUTF(neural);
        out.writeDouble(contextWeight);
        out.writeUTF(embeddingModel);
    }

    static StateFingerprint readFrom(DataInput in) throws IOException {
        return new StateFingerprint(in.readUTF(), in.readDouble(), in.readUTF());
    }

    /**
     * Whether a format-1 fingerprint ({@code neural ^ contextWeight-hash·31 ^ maxSegmentWords<<20}, any
     * maxSegmentWords) was written with this neural layout and context weight. It recorded no embedding model.
     */
    boolean matchesLegacy(long legacy) {
        String[] parts = memories();
        if (!parts[1].isEmpty() && !parts[1].equals(parts[0])) {
            return false; // format 1 used one configuration for both memories
        }
        long rest = legacy ^ legacyNeural() ^ (Double.hashCode(contextWeight) * 31L);
        long maxSegmentWords = rest >>> 20;
        return (rest & 0xFFFFF) == 0 && maxSegmentWords >= 1 && maxSegmentWords <= Integer.MAX_VALUE;
    }

    /** {@link MemoryConfig#fingerprint()} of the stored description, as format 1 hashed it. */
    private long legacyNeural() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest(memories()[0].getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(h).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Why {@code stored} cannot be read under this configuration, naming what differs; empty when it can. */
    String mismatch(StateFingerprint stored) {
        List<String> parts = new ArrayList<>();
        if (!stored.embeddingModel.equals(embeddingModel)) {
            parts.add("embedding model (stored " + stored.embeddingModel + ", configured " + embeddingModel + ")");
        }
        if (Double.compare(stored.contextWeight, contextWeight) != 0) {
            parts.add("contextWeight (stored " + stored.contextWeight + ", configured " + contextWeight + ")");
        }
        String[] storedParts = stored.memories();
        String[] configuredParts = memories();
        if (!storedParts[0].equals(configuredParts[0])) {
            parts.add("neural memory settings (" + settingDifferences(storedParts[0], configuredParts[0]) + ")");
        }
        // without a context memory on one side, the contextWeight line above already says what differs
        boolean bothHaveContext = stored.contextWeight != 0 && contextWeight != 0;
        if (bothHaveContext && !storedParts[1].equals(configuredParts[1])) {
            parts.add("context memory settings (" + settingDifferences(storedParts[1], configuredParts[1]) + ")");
        }
        return String.join("; ", parts);
    }

    /**
     * [content description, context description or "" without a context memory]. States saved before the two
     * memories had separate settings store one description, which then held for both.
     */
    private String[] memories() {
        int at = neural.indexOf(CONTEXT_PART);
        if (at >= 0) {
            return new String[] {neural.substring(0, at), neural.substring(at + CONTEXT_PART.length())};
        }
        return new String[] {neural, contextWeight == 0 ? "" : neural};
    }

    /** Compares two {@link MemoryConfig#describe()} strings ({@code key=value,...}) setting by setting. */
    private static String settingDifferences(String stored, String configured) {
        Map<String, String> before = settings(stored);
        Map<String, String> now = settings(configured);
        List<String> differences = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>(now.keySet());
        keys.addAll(before.keySet());
        for (String key : keys) {
            if (!Objects.equals(before.get(key), now.get(key))) {
                differences.add(key + ": stored " + before.get(key) + ", configured " + now.get(key));
            }
        }
        return differences.isEmpty() ? "stored " + stored + ", configured " + configured
                : String.join(", ", differences);
    }

    private static Map<String, String> settings(String description) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String pair : description.split(",")) {
            int eq = pair.indexOf('=');
            settings.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        return settings;
    }
}
