package dev.titans4j.it;

import dev.titans4j.titans.store.FileMemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStore;

/** The restart scenario on the embedded default for durable apps: {@link FileMemoryStateStore} in a folder. */
class FileStoreChatbotTest extends ChatbotRestartScenario {

    @Override
    MemoryStateStore openStore() {
        return new FileMemoryStateStore(dir.resolve("memories"));
    }
}
