package dev.titans4j.titans.store;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One loaded state: the opaque bytes and the version they were saved as. Pass {@link #version()} as the expected
 * version of the next {@link MemoryStateStore#save save}.
 *
 * <p>Stores hand out a fresh array on every load and keep no reference to it, so the caller owns {@link #bytes()}.
 * Equality compares the bytes' contents.
 *
 * @param bytes   the state as last saved, never {@code null}
 * @param version positive and opaque; random when the state was created, then one more with every successful save
 */
public record StoredState(byte[] bytes, long version) {

    public StoredState {
        Objects.requireNonNull(bytes, "bytes");
        if (version < 1) {
            throw new IllegalArgumentException("a stored state has a positive version, got " + version);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredState other && version == other.version && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(version) + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        int shown = Math.min(bytes.length, 16);
        String head = HexFormat.of().formatHex(bytes, 0, shown) + (bytes.length > shown ? "…" : "");
        return "StoredState[version=" + version + ", " + bytes.length + " bytes: " + head + "]";
    }
}
