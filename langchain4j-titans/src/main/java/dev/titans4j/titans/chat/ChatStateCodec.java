package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.ChatMessage;
import dev.titans4j.titans.memory.MemoryConfig;
import dev.titans4j.titans.memory.MemoryParameters;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** The {@link ChatLog.Codec} of one configured chat memory: what a fresh state is and how bytes become state. */
final class ChatStateCodec implements ChatLog.Codec {

    /** Everything that shapes a state, checked and fixed when the memory is built. */
    record Layout(Supplier<ChatWindow> windows, MemoryConfig neural,
                  MemoryParameters parameters, int dimension, int archiveCapacity, RecallFusion fusion, ZoneId zone,
                  boolean neuralWrites, boolean exactReadout) {
    }

    private final Layout layout;
    private final StateFingerprint fingerprint;
    private final KeyEncoder encoder;
    private final Function<ChatMessage, List<KeyedSegment>> segmentsOf;

    ChatStateCodec(Layout layout, StateFingerprint fingerprint, KeyEncoder encoder,
                   Function<ChatMessage, List<KeyedSegment>> segmentsOf) {
        this.layout = layout;
        this.fingerprint = fingerprint;
        this.encoder = encoder;
        this.segmentsOf = segmentsOf;
    }

    @Override
    public ChatState fresh() {
        return new ChatState(layout.windows().get(),
                new LongTermMemory(new ExpectationMemory(layout.neural(), layout.parameters(), layout.neuralWrites()),
                        layout.dimension(), layout.archiveCapacity(), layout.fusion(), layout.zone(),
                        layout.exactReadout()));
    }

    @Override
    public ChatState snapshot(byte[] bytes, String what) {
        return ChatState.fromBytes(bytes, fingerprint, this::fresh, layout.dimension(), what);
    }

    @Override
    public byte[] encode(ChatRecord record) {
        return ChatRecord.encode(record, fingerprint.hash());
    }

    @Override
    public ChatRecord decode(byte[] bytes, String what) {
        return ChatRecord.decode(bytes, fingerprint.hash(), layout.dimension(), what);
    }

    @Override
    public Optional<ChatRecord> legacy(byte[] bytes) {
        return LegacyChatState.isLegacy(bytes) ? Optional.of(LegacyChatState.toImport(bytes, segmentsOf, encoder))
                : Optional.empty();
    }

    @Override
    public byte[] snapshotBytes(ChatState state) {
        return state.toBytes(fingerprint);
    }
}
