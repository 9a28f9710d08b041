package dev.titans4j.export.hf;

/**
 * The one-line reason an {@code architectures} entry cannot be exported: mixture-of-experts and multimodal
 * (vision tower) checkpoints are named as such, so the user knows no option will make them work.
 */
final class UnsupportedArchitecture {

    private UnsupportedArchitecture() {
    }

    static String message(String className, JsonFile config) {
        String why;
        if (className.contains("Moe") || config.has("num_experts") || config.has("num_local_experts")) {
            why = " (mixture of experts, not supported)";
        } else if (className.endsWith("ForConditionalGeneration") || config.has("vision_config")) {
            why = " (multimodal with a vision tower, not supported; export a text-only *ForCausalLM checkpoint)";
        } else {
            why = "";
        }
        return "unsupported architecture " + className + why + "; supported: " + Families.supportedList();
    }
}
