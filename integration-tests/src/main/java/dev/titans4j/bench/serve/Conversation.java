package dev.titans4j.bench.serve;

import dev.titans4j.t2.engine.GenerationRequest;
import dev.titans4j.t2.engine.GenerationResult;
import dev.titans4j.t2.engine.Generator;
import dev.titans4j.t2.engine.TokenSelector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chat or tool loop as a serving backend sees it: request 1 is the opening prompt; each further request is the
 * previous prompt, the previous answer and the next addition (a user message or a tool result), so every earlier
 * prompt is a prefix of the last and the prefix cache can reuse it. Greedy, no stop tokens: every answer has the
 * same length whatever the (random) weights pick.
 */
public final class Conversation {

    private Conversation() {
    }

    /**
     * One request.
     *
     * @param prefilled prompt tokens the model ran (the rest came from the prefix cache)
     * @param ttftSeconds prompt handed over to first token selected
     */
    public record Turn(int promptTokens, int prefilled, double ttftSeconds) {
    }

    /** What one conversation cost, request by request. */
    public record Run(List<Turn> turns) {

        public Run {
            turns = List.copyOf(turns);
        }

        public long prefilled() {
            return turns.stream().mapToLong(Turn::prefilled).sum();
        }

        /** Tokens of the last prompt: every earlier prompt is a prefix of it. */
        public int unique() {
            return turns.get(turns.size() - 1).promptTokens();
        }

        /** Prompt tokens without any reuse: each request prefills its whole prompt. */
        public long withoutReuse() {
            return turns.stream().mapToLong(Turn::promptTokens).sum();
        }

        public double prefillTokenRatio() {
            return (double) prefilled() / unique();
        }

        public double firstTtft() {
            return turns.get(0).ttftSeconds();
        }

        public double lastTtft() {
            return turns.get(turns.size() - 1).ttftSeconds();
        }

        /** Time to first token of the last request over that of the first. */
        public double ttftRatio() {
            return lastTtft() / firstTtft();
        }
    }

    /** Runs {@code start}, then one request per addition, each answered with {@code answerTokens} tokens. */
    public static Run run(Generator generator, int[] start, List<int[]> additions, int answerTokens) {
        List<Turn> turns = new ArrayList<>();
        int[] prompt = start;
        int[] answer = new int[0];
        for (int turn = 0; turn <= additions.size(); turn++) {
            if (turn > 0) {
                prompt = concat(prompt, answer, additions.get(turn - 1));
            }
            long[] firstToken = {0};
            TokenSelector greedy = TokenSelector.greedy();
            long sent = System.nanoTime();
            GenerationResult result = generator.generate(
                    new GenerationRequest(prompt, answerTokens, Set.of(), List.of()),
                    logits -> {
                        if (firstToken[0] == 0) {
                            firstToken[0] = System.nanoTime();
                        }
                        return greedy.select(logits);
                    }, Map.of(), piece -> { }, () -> false);
            turns.add(new Turn(prompt.length, result.promptTokens() - result.reusedPromptTokens(),
                    (firstToken[0] - sent) / 1e9));
            answer = result.outputIds().stream().mapToInt(Integer::intValue).toArray();
        }
        return new Run(turns);
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
