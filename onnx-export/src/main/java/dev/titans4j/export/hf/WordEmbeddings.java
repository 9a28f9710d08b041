package dev.titans4j.export.hf;

import dev.titans4j.export.safetensors.Checkpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which stored tensors serve as the token embedding and as the LM head, decided the way transformers'
 * {@code from_pretrained} loads them. The forms met on the Hub:
 * <ul>
 *   <li>{@code tie_word_embeddings} true, only {@code model.embed_tokens.weight} stored (what {@code save_pretrained}
 *       writes): the head is the embedding.</li>
 *   <li>tie true, only {@code lm_head.weight} stored (what safetensors' {@code save_model} and the Hub's convert
 *       bot write when they drop the duplicate; they note {@code model.embed_tokens.weight → lm_head.weight} in the
 *       {@code __metadata__}): the embedding is the head. transformers never reads that note: tying alone makes
 *       the one stored tensor serve both (4.x: the tied parameters share storage and a tied group with one key
 *       loaded counts as loaded; 5.x: {@code tie_weights} swaps source and target when only the target is
 *       there).</li>
 *   <li>tie true, both stored: equal values are one tied tensor; different values are kept apart, each used as
 *       stored (transformers 5.x warns and does not tie them; 4.x let the embedding overwrite the head).</li>
 *   <li>tie false: each is its own tensor, and both must be stored; transformers would initialise a missing one
 *       randomly, so that is an error here, also when the metadata notes an alias.</li>
 * </ul>
 */
public record WordEmbeddings(String embedding, String head) {

    /** Whether one tensor serves both (the graph then stores it once). */
    public boolean shared() {
        return embedding.equals(head);
    }

    /**
     * The tensors to use, for a checkpoint {@link CheckpointValidator} accepted. Reads both tensors when a tied
     * config stores both, to compare them.
     */
    public static WordEmbeddings of(ModelConfig config, Checkpoint checkpoint) throws IOException {
        String embed = WeightNames.EMBED_TOKENS;
        String head = WeightNames.LM_HEAD;
        if (!config.embedding().tied()) {
            return new WordEmbeddings(embed, head);
        }
        boolean hasEmbed = checkpoint.has(embed);
        boolean hasHead = checkpoint.has(head);
        if (hasEmbed && hasHead) {
            return sameValues(checkpoint.floats(embed), checkpoint.floats(head))
                    ? new WordEmbeddings(embed, embed) : new WordEmbeddings(embed, head);
        }
        String stored = hasHead ? head : embed;
        return new WordEmbeddings(stored, stored);
    }

    /**
     * Why transformers would not load these word embeddings from the checkpoint (it would initialise them
     * randomly): one line per problem, none when they load. Names only: no tensor is read.
     */
    static List<String> problems(ModelConfig config, Checkpoint checkpoint) {
        String embed = WeightNames.EMBED_TOKENS;
        String head = WeightNames.LM_HEAD;
        boolean hasEmbed = checkpoint.has(embed);
        boolean hasHead = checkpoint.has(head);
        if (config.embedding().tied()) {
            return hasEmbed || hasHead ? List.of() : List.of("tensor '" + embed + "' is missing, and there is no '"
                    + head + "' to tie it to (config.json has tie_word_embeddings true)");
        }
        List<String> problems = new ArrayList<>();
        if (!hasEmbed) {
            Optional<String> alias = checkpoint.metadataAlias(embed);
            problems.add(alias.map(stored -> "tensor '" + embed + "' is missing; the safetensors metadata names '"
                    + stored + "' as its stored copy, but config.json has tie_word_embeddings false, so"
                    + " transformers would not tie them and would initialise the embedding randomly")
                    .orElse("tensor '" + embed + "' is missing"));
        }
        if (!hasHead) {
            problems.add("tensor '" + head + "' is missing (config.json has tie_word_embeddings false)");
        }
        return problems;
    }

    /** Exact equality, like torch.equal on the loaded parameters (all weights are finite, see Checkpoint). */
    private static boolean sameValues(float[] a, float[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
