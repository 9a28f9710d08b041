package dev.titans4j.export.hf;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The Hugging Face causal-LM classes this exporter supports (all share the Llama decoder layout). */
public enum Architecture {
    LLAMA("LlamaForCausalLM", "llama"),
    MISTRAL("MistralForCausalLM", "mistral"),
    QWEN2("Qwen2ForCausalLM", "qwen2");

    private final String className;
    private final String modelType;

    Architecture(String className, String modelType) {
        this.className = className;
        this.modelType = modelType;
    }

    /** The class name used in {@code config.json}'s {@code architectures}. */
    public String className() {
        return className;
    }

    /** The {@code model_type} of {@code config.json}. */
    public String modelType() {
        return modelType;
    }

    public static Optional<Architecture> fromClassName(String name) {
        return Arrays.stream(values()).filter(a -> a.className.equals(name)).findFirst();
    }

    /** {@code "LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM"}, for error messages. */
    public static String supportedList() {
        return Arrays.stream(values()).map(Architecture::className).sorted().collect(Collectors.joining(", "));
    }
}
