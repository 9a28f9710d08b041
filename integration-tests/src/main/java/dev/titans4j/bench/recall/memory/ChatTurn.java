package dev.titans4j.bench.recall.memory;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.bench.recall.dataset.Turn;

/**
 * A dataset turn as it enters a memory: the chat message the benchmark adds (the conversation's first speaker as
 * {@link UserMessage}, every other speaker as {@link AiMessage}, text prefixed with {@code "Speaker: "}), its sequence
 * number in the conversation (0-based, in add order) and its estimated tokens.
 */
public record ChatTurn(int seq, Turn turn, ChatMessage message, String text, int tokens) {

    public static ChatTurn of(int seq, Turn turn, String firstSpeaker) {
        String text = turn.speaker() + ": " + turn.text();
        ChatMessage message = turn.speaker().equals(firstSpeaker) ? UserMessage.from(text) : AiMessage.from(text);
        return new ChatTurn(seq, turn, message, text, TokenEstimator.estimate(text));
    }

    public String id() {
        return turn.id();
    }
}
