package dev.titans4j.export.hf;

import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.safetensors.TensorInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a checkpoint holds exactly the weights its {@link ModelConfig} implies, with the right shapes, before
 * anything is built from it. The word embeddings may be stored in any form transformers loads (see
 * {@link WordEmbeddings}: with tied embeddings either tensor, or both); rotary {@code inv_freq} buffers are a
 * harmless extra. Any other extra tensor is an error, because silently dropping weights (an unexpected bias, say)
 * would produce a different model.
 */
public final class CheckpointValidator {

    /** At most this many problems are listed in one message. */
    static final int MAX_LISTED = 10;

    private CheckpointValidator() {
    }

    /** Throws a {@link CheckpointMismatchException} listing every problem found. */
    public static void validate(ModelConfig config, Checkpoint checkpoint) throws CheckpointMismatchException {
        checkLayerCount(config, checkpoint);
        List<String> problems = new ArrayList<>(WordEmbeddings.problems(config, checkpoint));
        Map<String, long[]> expected = new LinkedHashMap<>(config.expectedTensors());
        // a tied config may store the head instead of (or next to) the embedding: same shape
        expected.putIfAbsent(WeightNames.LM_HEAD, expected.get(WeightNames.EMBED_TOKENS));
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            String name = entry.getKey();
            if (!checkpoint.has(name)) {
                if (!isWordEmbedding(name)) { // those were judged above, as a pair
                    problems.add("tensor '" + name + "' is missing");
                }
                continue;
            }
            TensorInfo info = checkpoint.info(name);
            if (!info.hasShape(entry.getValue())) {
                problems.add("tensor '" + name + "' has shape " + TensorInfo.formatShape(info.shape())
                        + ", config.json implies " + TensorInfo.formatShape(entry.getValue()));
            }
        }
        for (String name : checkpoint.names()) {
            if (!expected.containsKey(name) && !isHarmlessExtra(name)) {
                problems.add("unexpected tensor '" + name + "' (not used by " + config.architecture()
                        + " with this config.json)");
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointMismatchException(message(checkpoint, problems));
        }
    }

    /**
     * The expected-tensor list grows with num_hidden_layers, so a config asking for more layers than the checkpoint
     * stores is rejected before that list is built (num_hidden_layers 1000000000 would otherwise exhaust the heap).
     */
    private static void checkLayerCount(ModelConfig config, Checkpoint checkpoint)
            throws CheckpointMismatchException {
        Set<Long> layers = new HashSet<>(); // distinct indices: one stray 'model.layers.999999999.x' proves nothing
        for (String name : checkpoint.names()) {
            long layer = layerIndex(name);
            if (layer >= 0) {
                layers.add(layer);
            }
        }
        int stored = layers.size();
        if (config.dims().numLayers() > stored) {
            throw new CheckpointMismatchException(checkpoint.directory() + ": config.json has num_hidden_layers "
                    + config.dims().numLayers() + " but the weights hold " + stored + " layers");
        }
    }

    /** N of {@code model.layers.N.*}, or -1 for any other name. */
    private static long layerIndex(String name) {
        if (!name.startsWith(WeightNames.LAYER_PREFIX)) {
            return -1;
        }
        int start = WeightNames.LAYER_PREFIX.length();
        int dot = name.indexOf('.', start);
        String digits = name.substring(start, dot < 0 ? name.length() : dot);
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    private static boolean isWordEmbedding(String name) {
        return name.equals(WeightNames.EMBED_TOKENS) || name.equals(WeightNames.LM_HEAD);
    }

    private static boolean isHarmlessExtra(String name) {
        return name.endsWith(".rotary_emb.inv_freq");
    }

    private static String message(Checkpoint checkpoint, List<String> problems) {
        String where = checkpoint.directory().toString();
        if (problems.size() == 1) {
            return where + ": " + problems.get(0);
        }
        StringBuilder message = new StringBuilder(where).append(": ").append(problems.size())
                .append(" problems with the weights:");
        problems.stream().limit(MAX_LISTED).forEach(p -> message.append("\n  ").append(p));
        if (problems.size() > MAX_LISTED) {
            message.append("\n  ... and ").append(problems.size() - MAX_LISTED).append(" more");
        }
        return message.toString();
    }
}
