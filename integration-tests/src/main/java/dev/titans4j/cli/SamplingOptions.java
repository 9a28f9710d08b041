package dev.titans4j.cli;

import dev.titans4j.t2.OnnxChatRequestParameters;
import dev.titans4j.t2.generation.SamplingParameters;
import picocli.CommandLine.Option;

/**
 * Sampling flags shared by {@code generate} and {@code chat}. Flags left out keep the model's own defaults (its
 * {@code generation_config.json}: greedy unless it says {@code do_sample}).
 */
final class SamplingOptions {

    @Option(names = "--temperature", paramLabel = "T",
            description = "0 = greedy; default: the model's generation_config (greedy unless do_sample)")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "keep the K most likely tokens (0 = off)")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "nucleus sampling threshold (1 = off)")
    Double topP;

    @Option(names = "--min-p", paramLabel = "P", description = "drop tokens below P x the top probability")
    Double minP;

    @Option(names = "--repetition-penalty", paramLabel = "R", description = "Hugging Face's (1 = off)")
    Double repetitionPenalty;

    @Option(names = "--seed", paramLabel = "S", description = "seed for reproducible sampling")
    Long seed;

    /** The flags given, as request parameters that override the model's defaults. */
    OnnxChatRequestParameters overrides() {
        return OnnxChatRequestParameters.builder().temperature(temperature).topK(topK).topP(topP).minP(minP)
                .repetitionPenalty(repetitionPenalty).seed(seed).build();
    }

    /** The model's defaults overridden by the flags given; throws IllegalArgumentException on out-of-range values. */
    SamplingParameters resolve(OnnxChatRequestParameters modelDefaults) {
        OnnxChatRequestParameters p = modelDefaults.overrideWith(overrides());
        return SamplingParameters.builder().temperature(p.temperature()).topK(p.topK()).topP(p.topP())
                .minP(p.minP()).seed(p.seed()).repetitionPenalty(p.repetitionPenalty())
                .frequencyPenalty(p.frequencyPenalty()).presencePenalty(p.presencePenalty()).build();
    }
}
