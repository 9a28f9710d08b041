package dev.titans4j.bench.recall.memory;

import dev.titans4j.bench.recall.dataset.Turn;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BudgetAccountingTest {

    private static final String[] WORDS = {"door", "code", "river", "blue", "cat", "tonight", "garden", "seven"};

    @Test
    void noMemoryEverInjectsMoreThanTheBudget() {
        Random random = new Random(42);
        List<ChatTurn> turns = randomTurns(random, 300);
        List<RecallMemory> memories = List.of(new WindowMemory(),
                new RankedRecallMemory(new Bm25Ranker(), BudgetPolicy.defaults()),
                new RankedRecallMemory(new ShuffleRanker(7), new BudgetPolicy(0.0)),
                new RankedRecallMemory(new ShuffleRanker(8), new BudgetPolicy(1.0)),
                new RankedRecallMemory(new ShuffleRanker(9), new BudgetPolicy(0.4)));
        for (RecallMemory memory : memories) {
            turns.forEach(memory::add);
            memory.endOfIngest();
            for (int budget : new int[] {1, 5, 17, 64, 256, 1024, 100_000}) {
                List<ChatTurn> injected = memory.inject("blue door code " + WORDS[budget % WORDS.length], budget);
                assertThat(BudgetPacker.tokens(injected)).as("%s at budget %d", memory, budget)
                        .isLessThanOrEqualTo(budget);
                assertThat(injected).doesNotHaveDuplicates();
                assertThat(injected).isSortedAccordingTo((a, b) -> Integer.compare(a.seq(), b.seq()));
                if (budget == 100_000) {
                    assertThat(injected).as("a budget above the conversation injects all of it").hasSize(300);
                }
            }
            memory.close();
        }
    }

    @Test
    void windowIsTheLongestRecentSuffixThatFits() {
        List<ChatTurn> turns = List.of(turn(0, 10), turn(1, 3), turn(2, 4), turn(3, 2));
        // tokens per turn: ceil(words*1.3) of "Ann: " + words -> see turn()
        int t1 = turns.get(1).tokens();
        int t2 = turns.get(2).tokens();
        int t3 = turns.get(3).tokens();

        assertThat(BudgetPacker.recentWindow(turns, t3 + t2 + t1)).extracting(ChatTurn::seq).containsExactly(1, 2, 3);
        assertThat(BudgetPacker.recentWindow(turns, t3 + t2 + t1 - 1)).extracting(ChatTurn::seq).containsExactly(2, 3);
        assertThat(BudgetPacker.recentWindow(turns, t3 - 1)).isEmpty();
    }

    @Test
    void rankedFillSkipsWhatDoesNotFitAndWhatIsExcluded() {
        ChatTurn big = turn(0, 20);
        ChatTurn small = turn(1, 1);
        ChatTurn excluded = turn(2, 1);
        ChatTurn last = turn(3, 2);

        List<ChatTurn> chosen = BudgetPacker.fillRanked(List.of(big, excluded, small, last), Set.of(2),
                small.tokens() + last.tokens());

        assertThat(chosen).containsExactly(small, last);
    }

    @Test
    void budgetPolicySplitsWithFloor() {
        assertThat(new BudgetPolicy(0.25).recentBudget(1024)).isEqualTo(256);
        assertThat(new BudgetPolicy(0.25).recentBudget(1023)).isEqualTo(255);
        assertThat(new BudgetPolicy(0.0).recentBudget(1024)).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BudgetPolicy(1.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<ChatTurn> randomTurns(Random random, int count) {
        List<ChatTurn> turns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int words = 1 + random.nextInt(random.nextInt(10) == 0 ? 400 : 30);
            for (int w = 0; w < words; w++) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            turns.add(ChatTurn.of(i, new Turn("S1:" + i, 1, "t", i % 2 == 0 ? "Ann" : "Ben", text.toString().strip()),
                    "Ann"));
        }
        return turns;
    }

    private static ChatTurn turn(int seq, int words) {
        return ChatTurn.of(seq, new Turn("S1:" + seq, 1, "t", "Ann", "word ".repeat(words).strip()), "Ann");
    }

    /** A ranker that returns every turn in a seeded random order: budget rules must hold whatever the ranking. */
    private static final class ShuffleRanker implements Ranker {
        private final List<ChatTurn> turns = new ArrayList<>();
        private final Random random;

        ShuffleRanker(long seed) {
            random = new Random(seed);
        }

        @Override
        public void index(ChatTurn turn) {
            turns.add(turn);
        }

        @Override
        public List<ChatTurn> rank(String query) {
            List<ChatTurn> ranked = new ArrayList<>(turns);
            Collections.shuffle(ranked, random);
            return ranked;
        }

        @Override
        public long indexBytes() {
            return 0;
        }
    }
}
