package dev.titans4j.export.onnx;

/** Names of the exported decoder graph's inputs and outputs (also written to the manifest). */
public final class GraphNames {

    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LOGITS_FROM = "logits_from";
    public static final String PAST_KEY = "past_key_values.%d.key";
    public static final String PAST_VALUE = "past_key_values.%d.value";
    public static final String PRESENT_KEY = "present.%d.key";
    public static final String PRESENT_VALUE = "present.%d.value";
    public static final String LOGITS = "logits";
    public static final String HIDDEN_STATES = "hidden_states";
    /** SVF multiplier input of an adapted weight: {@code svf.} + the HF weight name without {@code .weight}. */
    public static final String SVF_PREFIX = "svf.";

    private GraphNames() {
    }

    public static String svfInput(String hfWeightName) {
        return SVF_PREFIX + hfWeightName.substring(0, hfWeightName.length() - ".weight".length());
    }
}
