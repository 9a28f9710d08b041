package dev.titans4j.bench.recall;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The machine-readable result line: {@code {"budget":B,"results":{"<memory>":{"overall":..,"categories":{..},
 * "injected_tokens":..,"ingest_ms_per_turn":..,"recall_ms_p50":..,"recall_ms_p95":..,"state_bytes":..}}}}.
 * Recall is rounded to 4 decimals, times to 3; injected tokens (a mean) to the nearest integer.
 */
public final class ResultJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultJson() {
    }

    public static String render(int budget, List<MemoryResult> results) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("budget", budget);
        ObjectNode all = root.putObject("results");
        for (MemoryResult result : results) {
            ObjectNode node = all.putObject(result.memory());
            node.put("overall", round(result.overall(), 4));
            ObjectNode categories = node.putObject("categories");
            result.categories().forEach((category, recall) -> categories.put(category, round(recall, 4)));
            node.put("injected_tokens", Math.round(result.injectedTokens()));
            node.put("ingest_ms_per_turn", round(result.ingestMsPerTurn(), 3));
            node.put("recall_ms_p50", round(result.recallMsP50(), 3));
            node.put("recall_ms_p95", round(result.recallMsP95(), 3));
            node.put("state_bytes", result.stateBytes());
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
