package dev.titans4j.t2.svf.torch;

import dev.titans4j.t2.svf.RescaleRule;
import dev.titans4j.t2.svf.SingularValues;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.ValueKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Imports an expert trained with Sakana's code (SakanaAI/self-adaptive-llms): a {@code torch.save}d dict of
 * Hugging Face weight name ({@code model.layers.0.mlp.gate_proj.weight}, ...) to a 1-D tensor of pre-sigmoid
 * values, one per singular value, usually bf16. Their code composes {@code U·diag(s⊙m)·Vᵀ·(Σs/Σ(s⊙m))} with
 * {@code m = sigmoid(p)·max_mult}; the rescale cancels the constant {@code max_mult}, so the result stores
 * {@link ValueKind#LOGITS} with {@link RescaleRule#SUM_PRESERVING} and is exact, for the model it is
 * imported into (checked: every name must be an adapted matrix with the right length). Write it with
 * {@code SvfExpertFile.write}.
 */
public final class SakanaExpertImporter {

    private SakanaExpertImporter() {
    }

    public static SvfExpert importExpert(Path ptFile, String name, SingularValues target) {
        Map<String, float[]> tensors = TorchCheckpoint.readTensors(ptFile);
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException(ptFile + " holds no tensors");
        }
        List<String> unknown = new ArrayList<>();
        tensors.keySet().stream().filter(k -> target.matrix(k) == null).forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(ptFile + ": " + unknown.size() + " entries are not adapted matrices"
                    + " of the target model, e.g. " + unknown.subList(0, Math.min(3, unknown.size()))
                    + "; expected Hugging Face weight names such as " + target.matrices().keySet().iterator().next());
        }
        SvfExpert expert = new SvfExpert(name, ValueKind.LOGITS, RescaleRule.SUM_PRESERVING, target.identity(),
                tensors);
        return new SvfAdapter(target).check(expert);
    }
}
