package dev.titans4j.t2.svf.torch;

import dev.titans4j.export.safetensors.HalfFloats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a {@code .pt} file the way {@code torch.save(OrderedDict(name -> bf16 1-D tensor), f)} does, from the
 * format description (not from torch): an uncompressed zip with {@code archive/data.pkl} (pickle protocol 2: an
 * OrderedDict rebuilt with {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
 * OrderedDict())}, storages as persistent ids {@code ('storage', torch.BFloat16Storage, key, 'cpu', numel)}, memo
 * puts as torch's pickler emits them), {@code archive/data/<key>} raw little-endian storages,
 * {@code archive/byteorder} and {@code archive/version}.
 */
final class TorchPtFixture {

    private final ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    private int memo;
    private boolean parameters;

    /** Wrap tensors in {@code torch._utils._rebuild_parameter} (as saving nn.Parameter values does). */
    TorchPtFixture asParameters() {
        parameters = true;
        return this;
    }

    void write(Path file, Map<String, float[]> tensors) throws IOException {
        op(0x80);
        op(2); // PROTO 2
        global("collections", "OrderedDict");
        op(')');
        op('R');
        put();
        op('(');
        int key = 0;
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            unicode(e.getKey());
            put();
            if (parameters) {
                global("torch._utils", "_rebuild_parameter");
                put();
            }
            global("torch._utils", "_rebuild_tensor_v2");
            put();
            op('(');
            op('(');
            unicode("storage");
            put();
            global("torch", "BFloat16Storage");
            put();
            unicode(Integer.toString(key++));
            put();
            unicode("cpu");
            put();
            int1(e.getValue().length);
            op('t');
            put();
            op('Q'); // BINPERSID
            int1(0); // storage offset
            int1(e.getValue().length);
            op(0x85); // size (n,)
            put();
            int1(1);
            op(0x85); // stride (1,)
            put();
            op(0x89); // requires_grad False
            global("collections", "OrderedDict");
            op(')');
            op('R');
            put();
            op('t');
            put();
            op('R');
            put();
            if (parameters) {
                op(0x88); // requires_grad True
                global("collections", "OrderedDict");
                op(')');
                op('R');
                op(0x87); // (tensor, True, OrderedDict())
                op('R');
                put();
            }
        }
        op('u'); // SETITEMS
        op('.');

        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            stored(zip, "archive/data.pkl", pickle.toByteArray());
            stored(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            key = 0;
            for (float[] values : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) {
                    b.putShort(HalfFloats.floatToBf16(v));
                }
                stored(zip, "archive/data/" + key++, b.array());
            }
            stored(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }

    private void op(int code) {
        pickle.write(code);
    }

    private void global(String module, String name) {
        op('c');
        pickle.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        put();
    }

    private void unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        pickle.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        pickle.writeBytes(b);
    }

    private void int1(int v) {
        if (v < 256) {
            op('K');
            op(v);
        } else if (v < 65536) {
            op('M');
            op(v & 0xff);
            op(v >> 8);
        } else {
            op('J');
            pickle.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }
    }

    /** BINPUT of the top of stack, as Python's pickler memoizes every object it writes. */
    private void put() {
        op('q');
        op(memo++ & 0xff);
    }
}
