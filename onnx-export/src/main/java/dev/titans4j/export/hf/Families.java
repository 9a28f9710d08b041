package dev.titans4j.export.hf;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The supported architectures, one {@link FamilySpec} each. */
public final class Families {

    public static final FamilySpec LLAMA = new LlamaSpec();
    public static final FamilySpec MISTRAL = new MistralSpec();
    public static final FamilySpec QWEN2 = new Qwen2Spec();
    public static final FamilySpec QWEN3 = new Qwen3Spec();
    public static final FamilySpec SMOLLM3 = new SmolLM3Spec();
    public static final FamilySpec PHI3 = new Phi3Spec();
    public static final FamilySpec GEMMA3 = new Gemma3Spec();

    /** Every supported family; a new family is one class plus one entry here. */
    public static final List<FamilySpec> ALL = List.of(LLAMA, MISTRAL, QWEN2, QWEN3, SMOLLM3, PHI3, GEMMA3);

    private Families() {
    }

    public static Optional<FamilySpec> forClassName(String name) {
        return ALL.stream().filter(f -> f.className().equals(name)).findFirst();
    }

    /** {@code "Gemma3ForCausalLM, LlamaForCausalLM, ..."}, sorted, for error messages. */
    public static String supportedList() {
        return ALL.stream().map(FamilySpec::className).sorted().collect(Collectors.joining(", "));
    }
}
