package dev.titans4j.titans.store;

/** The argument checks every {@link MemoryStateStore#save} implementation here makes first. */
final class SaveArguments {

    private SaveArguments() {
    }

    static void check(String memoryId, byte[] state, long expectedVersion) {
        MemoryIds.requireValid(memoryId);
        if (state == null) {
            throw new IllegalArgumentException("state of memory '" + memoryId + "' must not be null");
        }
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expected version of memory '" + memoryId
                    + "' must be 0 (create) or the version last loaded, got " + expectedVersion);
        }
    }
}
