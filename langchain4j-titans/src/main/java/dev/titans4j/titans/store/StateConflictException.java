package dev.titans4j.titans.store;

/**
 * An optimistic save lost a race: the caller expected the state of {@link #memoryId()} to be at
 * {@link #expectedVersion()}, but someone else (another thread, store instance or process) had saved or deleted it
 * in between. Nothing was written. The caller must load the current state, re-apply its change and save again;
 * {@link VersionedUpdater} does exactly that.
 */
public class StateConflictException extends MemoryStateStoreException {

    /** {@link #actualVersion()} when the state does not exist (never created, or deleted). */
    public static final long ABSENT = 0;
    /** {@link #actualVersion()} when the store could not tell which version won. */
    public static final long UNKNOWN = -1;

    private final String memoryId;
    private final long expectedVersion;
    private final long actualVersion;

    public StateConflictException(String memoryId, long expectedVersion, long actualVersion) {
        this(describe(memoryId, expectedVersion, actualVersion), memoryId, expectedVersion, actualVersion);
    }

    public StateConflictException(String message, String memoryId, long expectedVersion, long actualVersion) {
        super(message);
        this.memoryId = memoryId;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    public String memoryId() {
        return memoryId;
    }

    /** The version the caller based its change on; 0 when it meant to create the state. */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** The version found in the store: {@link #ABSENT}, {@link #UNKNOWN} or a positive version. */
    public long actualVersion() {
        return actualVersion;
    }

    static String describe(String memoryId, long expectedVersion, long actualVersion) {
        return "memory state '" + memoryId + "' was changed concurrently: expected "
                + versionText(expectedVersion) + " but found " + versionText(actualVersion);
    }

    static String versionText(long version) {
        if (version == ABSENT) {
            return "no state (version 0)";
        }
        if (version == UNKNOWN) {
            return "an unknown version";
        }
        return "version " + version;
    }
}
