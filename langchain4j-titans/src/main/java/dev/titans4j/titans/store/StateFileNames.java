package dev.titans4j.titans.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps memory ids to file names that are safe on every common file system: only {@code [a-z0-9_~.-]}, never
 * starting with a dot, at most 255 bytes, distinct even on case-insensitive file systems, and never a path
 * ({@code ../x} becomes {@code _x~x2e2e2f78}). The base name is a readable, lower-cased prefix of the id followed by
 * {@code ~x} and the lower-case hex of the id's UTF-8 bytes, which makes the mapping reversible; ids longer than
 * {@value #MAX_HEX_ID_BYTES} UTF-8 bytes use {@code ~s} and the SHA-256 of the id instead, and their id is read
 * back from the file header.
 */
final class StateFileNames {

    static final String STATE_SUFFIX = ".state";
    static final String TEMP_SUFFIX = ".tmp";
    private static final int MAX_HEX_ID_BYTES = 96;
    private static final int MAX_PREFIX = 24;
    private static final HexFormat HEX = HexFormat.of();

    private StateFileNames() {
    }

    /** The base file name (without suffix) of {@code memoryId}; a pure function of the id. */
    static String baseName(String memoryId) {
        byte[] utf8 = memoryId.getBytes(StandardCharsets.UTF_8);
        String prefix = readablePrefix(memoryId);
        if (utf8.length <= MAX_HEX_ID_BYTES) {
            return prefix + "~x" + HEX.formatHex(utf8);
        }
        return prefix + "~s" + HEX.formatHex(sha256(utf8));
    }

    /**
     * The memory id a base name encodes reversibly; empty for hashed names (read the header instead).
     * Throws {@link IllegalArgumentException} for names this class did not produce.
     */
    static Optional<String> reversibleId(String baseName) {
        int marker = baseName.lastIndexOf('~');
        if (marker < 0 || marker + 1 >= baseName.length()) {
            throw new IllegalArgumentException("not a memory state file name: " + baseName);
        }
        char kind = baseName.charAt(marker + 1);
        if (kind == 's') {
            return Optional.empty();
        }
        if (kind != 'x') {
            throw new IllegalArgumentException("not a memory state file name: " + baseName);
        }
        String id = new String(HEX.parseHex(baseName.substring(marker + 2)), StandardCharsets.UTF_8);
        if (!baseName.equals(baseName(id))) {
            throw new IllegalArgumentException("not a canonical memory state file name: " + baseName);
        }
        return Optional.of(id);
    }

    /** Whether {@code baseName} is what {@link #baseName} produces for some id (cheap syntactic check). */
    static boolean looksLikeBaseName(String baseName) {
        int marker = baseName.lastIndexOf('~');
        return marker >= 0 && marker + 2 < baseName.length()
                && (baseName.charAt(marker + 1) == 'x' || baseName.charAt(marker + 1) == 's')
                && baseName.chars().allMatch(c -> c == '~' || c == '_' || c == '-'
                        || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    }

    private static String readablePrefix(String memoryId) {
        StringBuilder prefix = new StringBuilder(MAX_PREFIX);
        for (int i = 0; i < memoryId.length() && prefix.length() < MAX_PREFIX; i++) {
            char c = Character.toLowerCase(memoryId.charAt(i));
            boolean safe = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            char mapped = safe ? c : '_';
            if (mapped != '_' || prefix.length() == 0 || prefix.charAt(prefix.length() - 1) != '_') {
                prefix.append(mapped);
            }
        }
        return prefix.toString().toLowerCase(Locale.ROOT);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
