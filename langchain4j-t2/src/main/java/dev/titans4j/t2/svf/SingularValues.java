package dev.titans4j.t2.svf;

import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.export.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The singular values of an exported model's adapted matrices ({@code svf.safetensors}, keyed by Hugging Face weight
 * name) with the graph input that scales each; what experts are checked against and rescaled with.
 */
public final class SingularValues {

    /** One adapted matrix: its weight name, graph input and singular values (descending). */
    public record Matrix(String weight, String input, float[] values) {

        public int rank() {
            return values.length;
        }

        double sum() {
            double sum = 0;
            for (float v : values) {
                sum += v;
            }
            return sum;
        }
    }

    private final Map<String, Matrix> byWeight;
    private final BaseModelIdentity identity;

    SingularValues(Map<String, Matrix> byWeight, String architecture, ModelManifest.Dimensions d) {
        this.byWeight = Collections.unmodifiableMap(new LinkedHashMap<>(byWeight));
        Map<String, Double> sums = new LinkedHashMap<>();
        byWeight.forEach((w, m) -> sums.put(w, m.sum()));
        this.identity = new BaseModelIdentity(architecture, d.hiddenSize(), d.intermediateSize(), d.numLayers(),
                d.vocabSize(), sums);
    }

    /** Reads the singular values of an exported folder; fails clearly when it was exported without the SVF hook. */
    public static SingularValues load(Path folder, ModelManifest manifest) {
        ModelManifest.Svf svf = manifest.svf();
        if (svf == null || !svf.enabled() || svf.matrices() == null || svf.matrices().isEmpty()) {
            throw new IllegalArgumentException(folder + " was exported without the Transformer² hook (manifest svf"
                    + " disabled); re-export it with SVF enabled to use experts");
        }
        Path file = folder.resolve(svf.file());
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " (singular values named in the manifest) does not exist");
        }
        Map<String, Matrix> matrices = new LinkedHashMap<>();
        try (SafetensorsFile values = SafetensorsFile.open(file)) {
            for (ModelManifest.SvfMatrix m : svf.matrices()) {
                float[] s = values.readFloats(m.weight());
                if (s.length != m.rank()) {
                    throw new IllegalArgumentException(file + ": " + m.weight() + " has " + s.length
                            + " singular values, the manifest says rank " + m.rank());
                }
                for (int i = 0; i < s.length; i++) {
                    if (!(s[i] >= 0) || Float.isInfinite(s[i])) { // NaN would pass every compatibility check
                        throw new IllegalArgumentException(file + ": " + m.weight() + " has singular value " + s[i]
                                + " at index " + i + "; they are finite and non-negative (the file is damaged)");
                    }
                }
                matrices.put(m.weight(), new Matrix(m.weight(), m.input(), s));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
        return new SingularValues(matrices, manifest.architecture(), manifest.dimensions());
    }

    /** Adapted matrices by Hugging Face weight name, in graph order. */
    public Map<String, Matrix> matrices() {
        return byWeight;
    }

    public Matrix matrix(String weight) {
        return byWeight.get(weight);
    }

    /** This model's identity, recorded in experts made for it. */
    public BaseModelIdentity identity() {
        return identity;
    }
}
