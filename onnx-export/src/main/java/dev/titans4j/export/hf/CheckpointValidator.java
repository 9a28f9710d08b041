package dev.titans4j.export.hf;

import dev.titans4j.export.safetensors.Checkpoint;
import dev.titans4j.export.safetensors.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that a checkpoint holds exactly the weights its {@link ModelConfig} implies, with the right shapes, before
 * anything is built from it. Known-harmless extras (rotary {@code inv_freq} buffers; an {@code lm_head.weight} next
 * to tied embeddings, which transformers ignores in favour of the embeddings) are allowed; any other extra tensor is
 * an error, because silently dropping weights (an unexpected bias, say) would produce a different model.
 */
public final class CheckpointValidator {

    /** At most this many problems are listed in one message. */
    static final int MAX_LISTED = 10;

    private CheckpointValidator() {
    }

    /** Throws a {@link CheckpointMismatchException} listing every problem found. */
    public static void validate(ModelConfig config, Checkpoint checkpoint) throws CheckpointMismatchException {
        List<String> problems = new ArrayList<>();
        Map<String, long[]> expected = config.expectedTensors();
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            String name = entry.getKey();
            if (!checkpoint.has(name)) {
                problems.add(missing(config, name));
                continue;
            }
            TensorInfo info = checkpoint.info(name);
            if (!info.hasShape(entry.getValue())) {
                problems.add("tensor '" + name + "' has shape " + TensorInfo.formatShape(info.shape())
                        + ", config.json implies " + TensorInfo.formatShape(entry.getValue()));
            }
        }
        for (String name : checkpoint.names()) {
            if (!expected.containsKey(name) && !isHarmlessExtra(config, name)) {
                problems.add("unexpected tensor '" + name + "' (not used by " + config.architecture()
                        + " with this config.json)");
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointMismatchException(message(checkpoint, problems));
        }
    }

    private static String missing(ModelConfig config, String name) {
        if (name.equals(WeightNames.LM_HEAD)) {
            return "tensor '" + name + "' is missing (config.json has tie_word_embeddings false)";
        }
        return "tensor '" + name + "' is missing";
    }

    private static boolean isHarmlessExtra(ModelConfig config, String name) {
        return name.endsWith(".rotary_emb.inv_freq")
                || (config.tieWordEmbeddings() && name.equals(WeightNames.LM_HEAD));
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
