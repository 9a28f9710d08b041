package dev.titans4j.demo;

/**
 * A question asked after the conversation.
 *
 * @param key      links it to the message that holds the answer
 * @param question what is asked
 * @param answer   the expected answer, for the reader
 */
public record DemoQuestion(String key, String question, String answer) {
}
