package dev.titans4j.t2.svf.torch;

import dev.titans4j.export.safetensors.HalfFloats;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch checkpoint written by {@code torch.save} (the zip format of PyTorch 1.6+) that holds a dict of
 * name to tensor, without Python: {@code <archive>/data.pkl} is the pickled dict, each tensor's bytes are in
 * {@code <archive>/data/<key>} (little endian). Tensors come back as float32 arrays, flattened in row-major order.
 */
public final class TorchCheckpoint {

    private TorchCheckpoint() {
    }

    /** The {@code ('storage', type, key, location, numel)} persistent id of a tensor's storage. */
    private record StorageRef(String type, String key, long numel) {
    }

    /** A tensor view into a storage. */
    private record TensorRef(StorageRef storage, long offset, List<Long> size, List<Long> stride) {
    }

    /** Reads every tensor of the checkpoint's top-level dict, in file order. */
    public static Map<String, float[]> readTensors(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("PyTorch file " + file + " does not exist");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = archivePrefix(zip, file);
            byte[] pickle = read(zip, prefix + "data.pkl", file);
            checkByteOrder(zip, prefix, file);
            Object root;
            try {
                root = PickleReader.load(pickle, TorchCheckpoint::reduce, TorchCheckpoint::storage);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            if (!(root instanceof Map<?, ?> dict)) {
                throw new IllegalArgumentException(file + ": the checkpoint holds a " + PickleReader.describe(root)
                        + ", expected a dict of tensors");
            }
            Map<String, float[]> tensors = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef t)) {
                    throw new IllegalArgumentException(file + ": entry " + e.getKey() + " is a "
                            + PickleReader.describe(e.getValue()) + ", expected a tensor");
                }
                tensors.put(name, values(zip, prefix, t, name, file));
            }
            return Collections.unmodifiableMap(tensors);
        } catch (ZipException e) {
            throw new IllegalArgumentException(file + " is not a PyTorch zip checkpoint (" + e.getMessage()
                    + "); files from torch.save before PyTorch 1.6 (legacy format) are not supported");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    private static String archivePrefix(ZipFile zip, Path file) {
        List<String> candidates = new ArrayList<>();
        zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9)
                .forEach(candidates::add);
        if (candidates.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one <archive>/data.pkl in the zip, found "
                    + candidates);
        }
        return candidates.get(0).substring(0, candidates.get(0).length() - "data.pkl".length());
    }

    private static void checkByteOrder(ZipFile zip, String prefix, Path file) throws IOException {
        ZipEntry order = zip.getEntry(prefix + "byteorder");
        if (order != null) {
            String value = new String(read(zip, prefix + "byteorder", file)).trim();
            if (!value.equals("little")) {
                throw new IllegalArgumentException(file + ": storages are " + value + " endian; only little endian"
                        + " is supported");
            }
        }
    }

    private static byte[] read(ZipFile zip, String name, Path file) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new IllegalArgumentException(file + ": the zip has no entry " + name);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    private static Object reduce(PickleReader.Global g, List<Object> args) {
        switch (g.toString()) {
            case "collections.OrderedDict":
                if (!args.isEmpty()) {
                    throw new IllegalArgumentException("OrderedDict built from arguments is not supported");
                }
                return new LinkedHashMap<Object, Object>();
            case "torch._utils._rebuild_tensor_v2":
                return tensor(args);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                if (args.isEmpty()) {
                    throw new IllegalArgumentException(g + " without arguments");
                }
                return args.get(0); // nn.Parameter: the tensor inside
            default:
                throw new IllegalArgumentException("The checkpoint calls " + g + ", which this reader does not"
                        + " support (only dicts of tensors and parameters)");
        }
    }

    private static TensorRef tensor(List<Object> args) {
        if (args.size() < 4 || !(args.get(0) instanceof StorageRef storage) || !(args.get(1) instanceof Long offset)
                || !(args.get(2) instanceof List<?> size) || !(args.get(3) instanceof List<?> stride)
                || offset < 0 || size.size() != stride.size() || !naturals(size) || !naturals(stride)) {
            throw new IllegalArgumentException("Unexpected _rebuild_tensor_v2 arguments (expected storage, offset >= 0,"
                    + " size and stride of equal length with entries >= 0)");
        }
        return new TensorRef(storage, offset, longs(size), longs(stride));
    }

    private static boolean naturals(List<?> values) {
        return values.stream().allMatch(v -> v instanceof Long n && n >= 0);
    }

    private static List<Long> longs(List<?> values) {
        return values.stream().map(Long.class::cast).toList();
    }

    private static Object storage(List<Object> pid) {
        if (pid.size() != 5 || !"storage".equals(pid.get(0)) || !(pid.get(1) instanceof PickleReader.Global type)
                || !(pid.get(2) instanceof String key) || !(pid.get(4) instanceof Long numel)) {
            throw new IllegalArgumentException("Unexpected persistent id of " + pid.size() + " items (expected"
                    + " ('storage', type, key, location, numel))");
        }
        return new StorageRef(type.name(), key, numel);
    }

    private static float[] values(ZipFile zip, String prefix, TensorRef t, String name, Path file)
            throws IOException {
        long count = 1;
        for (long d : t.size()) {
            count = d > (Integer.MAX_VALUE - 8) / Math.max(count, 1) ? Long.MAX_VALUE : count * d;
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": tensor " + name + " has shape " + t.size()
                    + ", more elements than a Java array holds");
        }
        long expectedStride = 1;
        for (int i = t.size().size() - 1; i >= 0; i--) {
            if (t.size().get(i) > 1 && t.stride().get(i) != expectedStride) {
                throw new IllegalArgumentException(file + ": tensor " + name + " is not contiguous (stride "
                        + t.stride() + " for size " + t.size() + ")");
            }
            expectedStride *= t.size().get(i);
        }
        int elementBytes = switch (t.storage().type()) {
            case "FloatStorage" -> 4;
            case "BFloat16Storage", "HalfStorage" -> 2;
            case "DoubleStorage" -> 8;
            default -> throw new IllegalArgumentException(file + ": tensor " + name + " has storage type "
                    + t.storage().type() + "; supported: float32, bfloat16, float16, float64");
        };
        byte[] bytes = read(zip, prefix + "data/" + t.storage().key(), file);
        if (t.offset() > bytes.length || (t.offset() + count) * elementBytes > bytes.length
                || t.offset() + count > t.storage().numel()) {
            throw new IllegalArgumentException(file + ": tensor " + name + " needs " + (t.offset() + count)
                    + " elements but its storage data/" + t.storage().key() + " holds " + bytes.length / elementBytes);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.position((int) (t.offset() * elementBytes));
        float[] out = new float[(int) count];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (elementBytes) {
                case 4 -> buf.getFloat();
                case 8 -> (float) buf.getDouble();
                default -> t.storage().type().equals("HalfStorage") ? HalfFloats.halfToFloat(buf.getShort())
                        : HalfFloats.bf16ToFloat(buf.getShort());
            };
        }
        return out;
    }
}
