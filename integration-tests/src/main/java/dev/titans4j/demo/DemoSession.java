package dev.titans4j.demo;

/** A session of the demo conversation: its number (1-based) and the date line of its header. */
public record DemoSession(int number, String date) {
}
