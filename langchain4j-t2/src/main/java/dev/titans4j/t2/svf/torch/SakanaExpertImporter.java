package dev.titans4j.t2.svf.torch;

import dev.titans4j.export.hf.WeightNames;
import dev.titans4j.t2.svf.RescaleRule;
import dev.titans4j.t2.svf.SingularValues;
import dev.titans4j.t2.svf.SvfAdapter;
import dev.titans4j.t2.svf.SvfExpert;
import dev.titans4j.t2.svf.ValueKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports an expert trained with Sakana's code (SakanaAI/self-adaptive-llms), from either file it writes:
 * <ul>
 *   <li>{@code policy_params.pt} (and {@code policy_params_latest.pt}), their default:
 *       {@code torch.save(policy.state_dict())}, keys {@code learnable_params_module_list.0}, {@code .1}, ... Their
 *       {@code Policy} builds that list from the Hugging Face model's {@code state_dict()}, keeping every key with
 *       "mlp" in it, in order: per layer {@code gate_proj}, {@code up_proj}, {@code down_proj} (the order
 *       {@code LlamaMLP} and its Mistral/Qwen2 twins register them; the export refuses MLP biases, so no bias is
 *       counted). Index N is therefore the N-th MLP weight in that order; the count and every length are checked
 *       against the target model.</li>
 *   <li>{@code learnable_params.pt}, written only with {@code save_legacy_params}: a dict of Hugging Face weight name
 *       ({@code model.layers.0.mlp.gate_proj.weight}, ...) to the same vectors.</li>
 * </ul>
 * Each vector holds one pre-sigmoid value per singular value, usually bf16. Their code composes
 * {@code U·diag(s⊙m)·Vᵀ·(Σs/Σ(s⊙m))} with {@code m = sigmoid(p)·max_mult}; the rescale cancels the constant
 * {@code max_mult}, so the result stores {@link ValueKind#LOGITS} with {@link RescaleRule#SUM_PRESERVING} and is
 * exact, for the model it is imported into. Write it with {@code SvfExpertFile.write}.
 */
public final class SakanaExpertImporter {

    /** The key prefix of {@code Policy.state_dict()}: its only registered module is this ParameterList. */
    private static final String POLICY_LIST = "learnable_params_module_list.";

    private static final List<String> MLP_ORDER = List.of(WeightNames.GATE_PROJ, WeightNames.UP_PROJ,
            WeightNames.DOWN_PROJ);

    private SakanaExpertImporter() {
    }

    public static SvfExpert importExpert(Path ptFile, String name, SingularValues target) {
        Map<String, float[]> tensors = TorchCheckpoint.readTensors(ptFile);
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException(ptFile + " holds no tensors");
        }
        boolean policy = tensors.keySet().stream().anyMatch(k -> k.startsWith(POLICY_LIST));
        Map<String, float[]> values = policy ? byWeightName(ptFile, tensors, target) : checkNames(ptFile, tensors,
                target);
        SvfExpert expert;
        try {
            expert = new SvfExpert(name, ValueKind.LOGITS, RescaleRule.SUM_PRESERVING, target.identity(), values);
        } catch (IllegalArgumentException e) { // a non-finite value: say which file holds it
            throw new IllegalArgumentException(ptFile + ": " + e.getMessage(), e);
        }
        return new SvfAdapter(target).check(expert);
    }

    /** Legacy file: the keys are already weight names; each must be an adapted matrix of the target. */
    private static Map<String, float[]> checkNames(Path ptFile, Map<String, float[]> tensors, SingularValues target) {
        List<String> unknown = new ArrayList<>();
        tensors.keySet().stream().filter(k -> target.matrix(k) == null).forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(ptFile + ": " + unknown.size() + " entries are not adapted matrices"
                    + " of the target model, e.g. " + unknown.subList(0, Math.min(3, unknown.size()))
                    + "; expected Hugging Face weight names such as " + target.matrices().keySet().iterator().next()
                    + " (learnable_params.pt) or " + POLICY_LIST + "N (policy_params.pt)");
        }
        return tensors;
    }

    /** policy_params.pt: list index N to the N-th MLP weight in Hugging Face state_dict order. */
    private static Map<String, float[]> byWeightName(Path ptFile, Map<String, float[]> tensors,
            SingularValues target) {
        List<String> weights = mlpWeightsInStateDictOrder(target);
        List<String> foreign = tensors.keySet().stream().filter(k -> index(k) < 0).toList();
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException(ptFile + ": " + foreign.size() + " keys are not " + POLICY_LIST
                    + "N, e.g. " + foreign.subList(0, Math.min(3, foreign.size())) + "; a Sakana policy_params.pt"
                    + " holds only " + POLICY_LIST + "0 .. N-1");
        }
        float[][] byIndex = new float[tensors.size()][];
        tensors.forEach((key, v) -> {
            int index = index(key);
            if (index < byIndex.length) {
                byIndex[index] = v;
            }
        });
        for (int n = 0; n < byIndex.length; n++) {
            if (byIndex[n] == null) {
                throw new IllegalArgumentException(ptFile + ": " + POLICY_LIST + n + " is missing (" + tensors.size()
                        + " vectors, keys " + keyRange(tensors) + "); a Sakana policy_params.pt numbers them 0 .. N-1"
                        + " without gaps");
            }
        }
        if (byIndex.length != weights.size()) {
            throw new IllegalArgumentException(ptFile + " holds " + byIndex.length + " vectors (" + POLICY_LIST
                    + "0.." + (byIndex.length - 1) + ") but the target model has " + weights.size()
                    + " MLP matrices (" + target.identity().numLayers() + " layers × gate, up, down):"
                    + " the expert was trained for another model");
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        for (int n = 0; n < byIndex.length; n++) {
            SingularValues.Matrix matrix = target.matrix(weights.get(n));
            if (byIndex[n].length != matrix.rank()) {
                throw new IllegalArgumentException(ptFile + ": " + POLICY_LIST + n + " has " + byIndex[n].length
                        + " values but maps to " + matrix.weight() + ", whose rank (min of its shape) is "
                        + matrix.rank() + ": the expert was trained for another model");
            }
            values.put(matrix.weight(), byIndex[n]);
        }
        return values;
    }

    /**
     * The target's MLP weights in the order Sakana's Policy enumerates them (Hugging Face state_dict order); each
     * must be an adapted matrix of the export.
     */
    private static List<String> mlpWeightsInStateDictOrder(SingularValues target) {
        List<String> weights = new ArrayList<>();
        for (int layer = 0; layer < target.identity().numLayers(); layer++) {
            for (String projection : MLP_ORDER) {
                String weight = WeightNames.weight(layer, projection);
                if (target.matrix(weight) == null) {
                    throw new IllegalArgumentException("The target model does not adapt " + weight + " (adapted: "
                            + target.matrices().size() + " matrices); Sakana experts need every MLP matrix");
                }
                weights.add(weight);
            }
        }
        return weights;
    }

    /** N of {@code learnable_params_module_list.N}, or -1. */
    private static int index(String key) {
        if (!key.startsWith(POLICY_LIST)) {
            return -1;
        }
        String digits = key.substring(POLICY_LIST.length());
        if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(digits);
    }

    private static String keyRange(Map<String, float[]> tensors) {
        List<String> keys = new ArrayList<>(tensors.keySet());
        return keys.size() <= 4 ? keys.toString() : "[" + keys.get(0) + ", " + keys.get(1) + ", ..., "
                + keys.get(keys.size() - 1) + "]";
    }
}
