package dev.titans4j.titans.store;

import java.nio.charset.StandardCharsets;

/**
 * The rules every {@link MemoryStateStore} applies to memory ids, so an id valid in one store is valid in all.
 *
 * <p>A memory id is any non-blank string of at most {@value #MAX_UTF8_BYTES} UTF-8 bytes, without control
 * characters (PostgreSQL text cannot hold NUL; the others only cause trouble in logs and file tools) and without
 * unpaired surrogates (they would not survive UTF-8 encoding, so two different ids could collide). Everything else
 * is allowed, including {@code /}, {@code ..}, spaces and any Unicode: stores map ids to storage names themselves.
 */
public final class MemoryIds {

    /** Longest id in UTF-8 bytes; keeps ids indexable as a PostgreSQL primary key. */
    public static final int MAX_UTF8_BYTES = 1024;

    private MemoryIds() {
    }

    /** Returns {@code memoryId} when it is valid, else throws an {@link IllegalArgumentException} saying why. */
    public static String requireValid(String memoryId) {
        if (memoryId == null) {
            throw new IllegalArgumentException("memory id must not be null");
        }
        if (memoryId.isBlank()) {
            throw new IllegalArgumentException("memory id must not be blank, got '" + memoryId + "'");
        }
        for (int i = 0; i < memoryId.length(); i++) {
            char c = memoryId.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(String.format(
                        "memory id must not contain control characters, found U+%04X at index %d", (int) c, i));
            }
            if (Character.isHighSurrogate(c) && i + 1 < memoryId.length()
                    && Character.isLowSurrogate(memoryId.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format(
                        "memory id must be valid Unicode, found an unpaired surrogate U+%04X at index %d", (int) c, i));
            }
        }
        int bytes = memoryId.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_UTF8_BYTES) {
            throw new IllegalArgumentException("memory id is too long: " + bytes + " UTF-8 bytes, at most "
                    + MAX_UTF8_BYTES + " allowed (starts with '" + memoryId.substring(0, 32) + "')");
        }
        return memoryId;
    }
}
