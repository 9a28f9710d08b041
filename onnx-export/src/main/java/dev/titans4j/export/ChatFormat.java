package dev.titans4j.export;

/** The chat-format family the runtime uses, recognised from the tokenizer's Jinja chat template. */
public final class ChatFormat {

    public static final String CHATML = "chatml";
    public static final String LLAMA3 = "llama3";
    public static final String MISTRAL = "mistral";
    public static final String PLAIN = "plain";

    private ChatFormat() {
    }

    public static String detect(String chatTemplate) {
        if (chatTemplate == null || chatTemplate.isBlank()) {
            return PLAIN;
        }
        if (chatTemplate.contains("<|im_start|>")) {
            return CHATML;
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
