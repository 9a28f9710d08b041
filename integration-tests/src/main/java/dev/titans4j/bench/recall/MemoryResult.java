package dev.titans4j.bench.recall;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One memory's benchmark result.
 *
 * @param overall         evidence recall averaged over all questions
 * @param categories      evidence recall averaged over the questions of each category, in dataset order
 * @param injectedTokens  mean estimated tokens injected per question
 * @param ingestMsPerTurn wall time of all adds (and the end-of-ingest commit) divided by the turns
 * @param recallMsP50     median time of one {@code inject} call
 * @param recallMsP95     95th percentile (nearest rank) of one {@code inject} call
 * @param stateBytes      mean bytes of memory state per conversation after ingest
 * @param writeBytesMean  mean bytes one add wrote to durable storage (NaN for memories that write nothing)
 * @param writeBytesP95   95th percentile (nearest rank) of the same
 */
public record MemoryResult(String memory, double overall, Map<String, Double> categories, double injectedTokens,
                           double ingestMsPerTurn, double recallMsP50, double recallMsP95, long stateBytes,
                           int questions, int turns, double writeBytesMean, double writeBytesP95) {

    public MemoryResult {
        categories = Collections.unmodifiableMap(new LinkedHashMap<>(categories));
    }
}
