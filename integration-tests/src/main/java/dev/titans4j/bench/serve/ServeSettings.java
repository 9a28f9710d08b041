package dev.titans4j.bench.serve;

import dev.titans4j.bench.decode.ModelShape;
import dev.titans4j.bench.decode.RandomCheckpoint;
import java.nio.file.Path;

/**
 * What serve-bench runs.
 *
 * @param work          checkpoint and exports are written (and reused) under {@code work/<shape>}
 * @param threads       ONNX Runtime intra-op threads (0 = one per physical core)
 * @param systemTokens  the system+tools prompt both conversations start with
 * @param chatTurns     requests of the chat (each after the first adds the previous answer and a user message)
 * @param toolRounds    requests of the tool loop (each after the first adds the call and a tool result)
 * @param answerTokens  tokens of each answer or tool call
 * @param streams       concurrent requests of the batch figures
 * @param decodeTokens  tokens each concurrent request decodes
 * @param repeats       runs per figure (medians)
 */
public record ServeSettings(ModelShape shape, Path work, int threads, int systemTokens, int chatTurns,
                            int toolRounds, int answerTokens, int streams, int decodeTokens, int repeats) {

    public ServeSettings withWork(Path folder) {
        return new ServeSettings(shape, folder, threads, systemTokens, chatTurns, toolRounds, answerTokens, streams,
                decodeTokens, repeats);
    }

    static final int USER_TOKENS = 30;
    static final int QUESTION_TOKENS = 40;
    static final int TOOL_RESULT_TOKENS = 150;

    /**
     * Refuses what the random checkpoint's context cannot hold: the requests would be cut short while the table
     * reports the tokens asked for.
     */
    public void requireFitsContext() {
        int context = RandomCheckpoint.CONTEXT;
        int prompt = ConcurrentStreams.PROMPT_TOKENS;
        if (prompt + decodeTokens > context) {
            throw new IllegalArgumentException("--decode-tokens " + decodeTokens + " does not fit the random"
                    + " checkpoint's " + context + "-token context with its " + prompt + " prompt tokens: at most "
                    + (context - prompt));
        }
        if (conversationPositions() > context) {
            throw new IllegalArgumentException("the conversations reach " + conversationPositions() + " positions,"
                    + " beyond the random checkpoint's " + context + "-token context: lower --system-tokens,"
                    + " --chat-turns, --tool-rounds or --answer-tokens");
        }
    }

    /** Positions the longer conversation reaches, its last answer included. */
    int conversationPositions() {
        int chat = systemTokens + (chatTurns - 1) * (answerTokens + USER_TOKENS) + answerTokens;
        int tools = systemTokens + QUESTION_TOKENS + (toolRounds - 1) * (answerTokens + TOOL_RESULT_TOKENS)
                + answerTokens;
        return Math.max(chat, tools);
    }
}
