package dev.titans4j.bench.recall.dataset;

/**
 * One utterance of a benchmark conversation.
 *
 * @param id      unique within its conversation, e.g. {@code "S1:3"}; questions cite it as evidence
 * @param session the session (day, story) the turn belongs to
 * @param time    free-form timestamp of the session
 * @param speaker who says it; the conversation's first speaker becomes the user, every other the AI
 * @param text    what is said, without the speaker prefix
 */
public record Turn(String id, int session, String time, String speaker, String text) {
}
