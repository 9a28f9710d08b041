package dev.titans4j.t2.svf.train;

/** What an expert is trained to raise: a score for a completion of a prompt (higher is better). Thread-safe. */
@FunctionalInterface
public interface Reward {

    double score(String prompt, String completion);
}
