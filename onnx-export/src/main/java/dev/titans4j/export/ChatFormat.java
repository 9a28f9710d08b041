package dev.titans4j.export;

/** The chat-format family the runtime uses, recognised from the tokenizer's Jinja chat template. */
public final class ChatFormat {

    public static final String CHATML = "chatml";
    public static final String LLAMA3 = "llama3";
    public static final String MISTRAL = "mistral";
    public static final String PLAIN = "plain";
    public static final String QWEN3 = "qwen3";
    public static final String SMOLLM3 = "smollm3";
    public static final String GEMMA3 = "gemma3";
    public static final String PHI3 = "phi3";
    public static final String PHI4_MINI = "phi4-mini";

    private ChatFormat() {
    }

    public static String detect(String chatTemplate) {
        if (chatTemplate == null || chatTemplate.isBlank()) {
            return PLAIN;
        }
        if (chatTemplate.contains("<|im_start|>")) {
            // the thinking ChatML families: SmolLM3 writes a "Reasoning Mode" metadata block, Qwen3 reads
            // enable_thinking; plain ChatML (Qwen2.5, SmolLM2) has neither
            if (chatTemplate.contains("Reasoning Mode: ")) {
                return SMOLLM3;
            }
            return chatTemplate.contains("enable_thinking") ? QWEN3 : CHATML;
        }
        if (chatTemplate.contains("<start_of_turn>")) {
            return GEMMA3;
        }
        if (chatTemplate.contains("<|end|>")) {
            // Phi-4-mini builds every tag as '<|' + role + '|>' and offers tools in <|tool|>...<|/tool|>
            if (chatTemplate.contains("<|/tool|>")) {
                return PHI4_MINI;
            }
            if (chatTemplate.contains("<|user|>")) {
                return PHI3;
            }
        }
        if (chatTemplate.contains("<|start_header_id|>")) {
            return LLAMA3;
        }
        if (chatTemplate.contains("[INST]")) {
            return MISTRAL;
        }
        return PLAIN;
    }
}
