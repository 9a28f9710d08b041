package dev.titans4j.titans.chat;

/** The stored state of a memory id cannot be read as a TitansChatMemory state; nothing was changed. */
public final class CorruptChatStateException extends RuntimeException {

    CorruptChatStateException(String id, String problem) {
        super("stored TitansChatMemory state of id '" + id + "' is unreadable: " + problem);
    }

    CorruptChatStateException(String id, String problem, Throwable cause) {
        super("stored TitansChatMemory state of id '" + id + "' is unreadable: " + problem, cause);
    }
}
