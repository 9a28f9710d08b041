package dev.titans4j.t2.svf;

import dev.titans4j.export.safetensors.DType;
import dev.titans4j.export.safetensors.SafetensorsFile;
import dev.titans4j.export.safetensors.SafetensorsWriter;
import dev.titans4j.export.safetensors.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Our versioned expert file: a safetensors file with one 1-D F32 tensor per adapted matrix (keyed by Hugging Face
 * weight name) and {@code __metadata__}:
 * <ul>
 *   <li>{@code format} = {@value #FORMAT}, {@code format_version} = {@value #VERSION}</li>
 *   <li>{@code name}: the expert's name; {@code values}: {@code z} or {@code logits} (pre-sigmoid)</li>
 *   <li>{@code rescale}: {@code sum-preserving} (Sakana's) or {@code none}</li>
 *   <li>{@code base.architecture}, {@code base.dimensions}, {@code base.singular_value_sums}: the base model</li>
 * </ul>
 */
public final class SvfExpertFile {

    public static final String FORMAT = "titans4j-svf-expert";
    public static final int VERSION = 1;

    private SvfExpertFile() {
    }

    public static void write(SvfExpert expert, Path file) {
        SafetensorsWriter writer = new SafetensorsWriter()
                .metadata("format", FORMAT)
                .metadata("format_version", Integer.toString(VERSION))
                .metadata("name", expert.name())
                .metadata("values", expert.kind().id())
                .metadata("rescale", expert.rescale().id());
        expert.base().toMetadata().forEach(writer::metadata);
        expert.values().forEach((weight, v) -> writer.add(weight, DType.F32, new long[] {v.length}, v));
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            writer.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the expert file " + file, e);
        }
    }

    /** Reads an expert file; fails with a message naming the problem for anything that is not our format. */
    public static SvfExpert read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Expert file " + file + " does not exist");
        }
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            Map<String, String> meta = st.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new IllegalArgumentException(file + ": not a titans4j SVF expert (metadata format is '"
                        + meta.get("format") + "', expected '" + FORMAT + "'); Sakana .pt experts are imported"
                        + " with SakanaExpertImporter");
            }
            String version = meta.get("format_version");
            if (!Integer.toString(VERSION).equals(version)) {
                throw new IllegalArgumentException(file + ": expert format version " + version
                        + " is not supported (supported: " + VERSION + ")");
            }
            ValueKind kind = ValueKind.fromId(require(meta, "values", file));
            RescaleRule rule = RescaleRule.fromId(require(meta, "rescale", file));
            BaseModelIdentity base = BaseModelIdentity.fromMetadata(meta, file.toString());
            Map<String, float[]> values = new LinkedHashMap<>();
            for (TensorInfo info : st.tensors().values()) {
                if (info.rank() != 1) {
                    throw new IllegalArgumentException(file + ": tensor " + info.name() + " has shape "
                            + java.util.Arrays.toString(info.shape()) + "; expert vectors are 1-D");
                }
                values.put(info.name(), st.readFloats(info.name()));
            }
            String name = meta.getOrDefault("name", file.getFileName().toString());
            try {
                return new SvfExpert(name, kind, rule, base, values);
            } catch (IllegalArgumentException e) { // a non-finite value: say which file holds it
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the expert file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> meta, String key, Path file) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException(file + ": expert metadata lacks '" + key + "'");
        }
        return v;
    }
}
