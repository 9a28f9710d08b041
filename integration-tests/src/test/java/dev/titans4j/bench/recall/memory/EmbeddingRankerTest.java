package dev.titans4j.bench.recall.memory;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.titans4j.bench.recall.dataset.Turn;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Uses the real in-process all-MiniLM-L6-v2 (bundled in the jar, offline; about a second to load). */
class EmbeddingRankerTest {

    @Test
    void ranksAParaphraseFirstAndRanksEveryTurn() {
        EmbeddingRanker ranker = new EmbeddingRanker(new AllMiniLmL6V2EmbeddingModel());
        ranker.index(turn(0, "The quarterly tax report is due on Friday."));
        ranker.index(turn(1, "My sister moved to Lisbon last spring and loves it there."));
        ranker.index(turn(2, "I burned the pasta again yesterday."));

        List<ChatTurn> ranked = ranker.rank("In which city does my sibling live now?");

        assertThat(ranked).extracting(ChatTurn::seq).hasSize(3).startsWith(1);
        assertThat(ranker.indexBytes()).isEqualTo(3 * 384 * Float.BYTES);
    }

    private static ChatTurn turn(int seq, String text) {
        return ChatTurn.of(seq, new Turn("S1:" + seq, 1, "t", "Ann", text), "Ann");
    }
}
