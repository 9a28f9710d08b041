package dev.titans4j.bench.recall;

import dev.titans4j.bench.recall.dataset.Conversation;
import dev.titans4j.bench.recall.dataset.Question;
import dev.titans4j.bench.recall.dataset.RecallDataset;
import dev.titans4j.bench.recall.memory.ChatTurn;
import dev.titans4j.bench.recall.memory.RecallMemory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecallBenchmarkTest {

    @Test
    void everyConversationGetsAFreshMemoryAndAllTurnsInOrder() {
        Conversation one = Fixtures.tenTurnConversation();
        Conversation two = new Conversation("c2", one.turns().subList(0, 4), List.of(
                new Question("q", "?", "-", List.of("S1:1"), "old")));
        List<RecordingMemory> created = new ArrayList<>();

        MemoryResult result = new RecallBenchmark(1000, IngestProgress.NONE).run("rec", () -> {
            RecordingMemory memory = new RecordingMemory();
            created.add(memory);
            return memory;
        }, new RecallDataset(List.of(one, two)));

        assertThat(created).hasSize(2);
        assertThat(created.get(0).added).extracting(ChatTurn::id)
                .containsExactly("S1:1", "S1:2", "S1:3", "S1:4", "S1:5", "S1:6", "S1:7", "S1:8", "S1:9", "S1:10");
        assertThat(created.get(0).added).extracting(ChatTurn::seq).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(created.get(1).added).hasSize(4);
        assertThat(created).allSatisfy(m -> {
            assertThat(m.endedBeforeFirstQuestion).isTrue();
            assertThat(m.closed).isTrue();
        });
        assertThat(result.overall()).isEqualTo(1.0); // RecordingMemory injects everything
        assertThat(result.turns()).isEqualTo(14);
        assertThat(result.stateBytes()).isEqualTo((10 + 4) / 2); // mean of 10 and 4 bytes
    }

    @Test
    void overspendingMemoryIsReportedNotScored() {
        assertThatThrownBy(() -> new RecallBenchmark(5, IngestProgress.NONE)
                .run("greedy", RecordingMemory::new, Fixtures.tenTurnDataset()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("greedy injected 60 tokens")
                .hasMessageContaining("over the budget of 5");
    }

    @Test
    void progressCountsEveryTurn() {
        AtomicInteger advanced = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        IngestProgress progress = new IngestProgress() {
            @Override
            public void start(String memory, long totalTurns) {
                total.set((int) totalTurns);
            }

            @Override
            public void advance(long turns) {
                advanced.addAndGet((int) turns);
            }

            @Override
            public void finish() {
            }
        };

        new RecallBenchmark(1000, progress).run("rec", RecordingMemory::new, Fixtures.tenTurnDataset());

        assertThat(total.get()).isEqualTo(10);
        assertThat(advanced.get()).isEqualTo(10);
    }

    @Test
    void percentilesUseNearestRank() {
        double[] values = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};

        assertThat(Percentiles.of(values, 50)).isEqualTo(5);
        assertThat(Percentiles.of(values, 95)).isEqualTo(10);
        assertThat(Percentiles.of(new double[] {3}, 95)).isEqualTo(3);
        assertThat(Percentiles.of(new double[0], 50)).isZero();
    }

    /** Injects every turn it was given; records the calls. */
    static final class RecordingMemory implements RecallMemory {
        final List<ChatTurn> added = new ArrayList<>();
        boolean ended;
        boolean endedBeforeFirstQuestion;
        boolean closed;

        @Override
        public void add(ChatTurn turn) {
            assertThat(ended).as("add after end of ingest").isFalse();
            added.add(turn);
        }

        @Override
        public void endOfIngest() {
            ended = true;
        }

        @Override
        public List<ChatTurn> inject(String question, int budgetTokens) {
            endedBeforeFirstQuestion = ended;
            return List.copyOf(added);
        }

        @Override
        public long stateBytes() {
            return added.size();
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
