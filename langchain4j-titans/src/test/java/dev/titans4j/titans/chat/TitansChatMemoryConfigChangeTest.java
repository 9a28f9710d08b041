package dev.titans4j.titans.chat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.titans4j.titans.memory.GateSpec;
import dev.titans4j.titans.memory.MemoryConfig;
import dev.titans4j.titans.store.StoredState;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stored state stays readable when a non-neural setting changes between runs. */
class TitansChatMemoryConfigChangeTest {

    private static final List<String> ANIMALS = List.of("zebra", "walrus", "falcon", "otter", "badger", "lynx",
            "heron", "bison", "gecko", "marmot");

    private static TitansChatMemory.Builder memory(InMemoryMemoryStateStore store) {
        return TitansChatMemory.builder().embeddingModel(new HashingEmbeddingModel()).id("u").maxMessages(1)
                .store(store);
    }

    @Test
    void lowering_archive_capacity_trims_the_archive_instead_of_refusing_the_state() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory big = memory(store).archiveCapacity(10).build();
        for (String animal : ANIMALS) {
            big.add(UserMessage.from("The " + animal + " sleeps in the barn."));
        }
        big.add(UserMessage.from("ok"));
        assertThat(big.archivedSegments()).isEqualTo(10);

        TitansChatMemory small = memory(store).archiveCapacity(5).build();
        assertThat(small.archivedSegments()).isEqualTo(5);
        Set<String> kept = new HashSet<>();
        small.rank("barn").forEach(s -> kept.add(s.text()));
        assertThat(kept).hasSize(5);
        // The lexical index forgot the dropped segments too: a query for a dropped animal finds nothing stale.
        for (String animal : ANIMALS) {
            String text = "The " + animal + " sleeps in the barn.";
            List<RecalledSegment> hits = small.rank(animal);
            assertThat(hits).hasSize(5);
            assertThat(hits.get(0).text().equals(text)).isEqualTo(kept.contains(text));
        }

        small.add(UserMessage.from("one more"));
        assertThat(memory(store).archiveCapacity(5).build().archivedSegments()).isEqualTo(5);
    }

    @Test
    void state_written_by_another_embedding_model_of_the_same_dimension_is_refused_naming_the_model() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory written = memory(store).build();
        written.add(UserMessage.from("The zebra sleeps in the barn."));
        written.add(UserMessage.from("ok"));

        TitansChatMemory otherModel = TitansChatMemory.builder().embeddingModel(new ReversedHashingModel()).id("u")
                .maxMessages(1).store(store).build();
        assertThatThrownBy(otherModel::messages).isInstanceOf(CorruptChatStateException.class)
                .hasMessageContaining("embedding model")
                .hasMessageContaining(HashingEmbeddingModel.class.getName())
                .hasMessageContaining(ReversedHashingModel.class.getName());

        // Another instance of the same model reads it.
        assertThat(memory(store).build().archivedSegments()).isEqualTo(1);
    }

    @Test
    void changing_max_segment_words_keeps_state_readable() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory written = memory(store).maxSegmentWords(200).build();
        written.add(UserMessage.from("The zebra sleeps in the barn."));
        written.add(UserMessage.from("ok"));

        TitansChatMemory reread = memory(store).maxSegmentWords(3).build();
        assertThat(reread.rank("zebra")).extracting(RecalledSegment::text)
                .containsExactly("The zebra sleeps in the barn.");
    }

    @Test
    void state_in_format_1_with_the_old_hashed_fingerprint_still_loads() throws IOException {
        // format 1 had one configuration for both memories (the old default: linear)
        MemoryConfig config = NeuralAddressMemory.defaultContextConfig(HashingEmbeddingModel.DIMENSION);
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory written = memory(store).memoryConfig(config).contextMemoryConfig(config).build();
        written.add(UserMessage.from("The zebra sleeps in the barn."));
        written.add(UserMessage.from("ok"));
        StoredState saved = store.load("u").orElseThrow();
        // The format-1 fingerprint as the previous release computed it (maxSegmentWords 120).
        long legacy = config.fingerprint() ^ Double.hashCode(TitansChatMemory.DEFAULT_CONTEXT_WEIGHT) * 31L
                ^ (120L << 20);
        store.save("u", toFormat1(saved.bytes(), legacy), saved.version());

        TitansChatMemory reread = memory(store).memoryConfig(config).contextMemoryConfig(config).build();
        assertThat(reread.rank("zebra")).extracting(RecalledSegment::text)
                .containsExactly("The zebra sleeps in the barn.");
        assertThatThrownBy(() -> memory(store).memoryConfig(config).contextMemoryConfig(config).contextWeight(0)
                .build().messages())
                .isInstanceOf(CorruptChatStateException.class).hasMessageContaining("contextWeight");
        // today's default content memory (deep) is not what format 1 wrote
        assertThatThrownBy(() -> memory(store).build().messages())
                .isInstanceOf(CorruptChatStateException.class).hasMessageContaining("another configuration");
    }

    @Test
    void state_saved_with_one_description_for_both_memories_loads_under_the_linear_config() throws IOException {
        // states saved before the two memories had separate settings carry one description, valid for both
        MemoryConfig linear = TitansChatMemory.linearMemoryConfig(HashingEmbeddingModel.DIMENSION);
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory written = memory(store).memoryConfig(linear).build();
        written.add(UserMessage.from("The zebra sleeps in the barn."));
        written.add(UserMessage.from("ok"));
        StoredState saved = store.load("u").orElseThrow();
        store.save("u", withSingleDescription(saved.bytes(), linear.describe()), saved.version());

        assertThat(memory(store).memoryConfig(linear).build().rank("zebra")).extracting(RecalledSegment::text)
                .containsExactly("The zebra sleeps in the barn.");
        assertThatThrownBy(() -> memory(store).build().messages())
                .isInstanceOf(CorruptChatStateException.class)
                .hasMessageContaining("neural memory settings (L: stored 1, configured 2")
                .hasMessageNotContaining("context memory settings");
        // no context memory configured: only the context weight is named, not a garbled context comparison
        assertThatThrownBy(() -> memory(store).memoryConfig(linear).contextWeight(0).build().messages())
                .isInstanceOf(CorruptChatStateException.class)
                .hasMessageContaining("contextWeight (stored 1.5, configured 0.0)")
                .hasMessageNotContaining("context memory settings").hasMessageNotContaining("null");
    }

    @Test
    void a_different_context_memory_is_named_as_such() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory written = memory(store).build();
        written.add(UserMessage.from("The zebra sleeps in the barn."));
        written.add(UserMessage.from("ok"));

        MemoryConfig slowerContext = NeuralAddressMemory.defaultContextConfig(HashingEmbeddingModel.DIMENSION)
                .toBuilder().theta(GateSpec.fixed(0.25)).build();
        assertThatThrownBy(() -> memory(store).contextMemoryConfig(slowerContext).build().messages())
                .isInstanceOf(CorruptChatStateException.class)
                .hasMessageContaining("context memory settings (theta: stored ")
                .hasMessageNotContaining("neural memory settings");
    }

    @Test
    void the_configuration_error_names_each_setting_that_differs() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory written = memory(store).build();
        written.add(UserMessage.from("The zebra sleeps in the barn."));
        written.add(UserMessage.from("ok"));

        MemoryConfig fasterForgetting = NeuralAddressMemory.defaultConfig(HashingEmbeddingModel.DIMENSION)
                .toBuilder().alpha(GateSpec.fixed(0.01)).build();
        assertThatThrownBy(() -> memory(store).memoryConfig(fasterForgetting).build().messages())
                .isInstanceOf(CorruptChatStateException.class)
                .hasMessageContaining("neural memory settings (alpha: stored ")
                .hasMessageNotContaining("contextWeight").hasMessageNotContaining("embedding model");
        assertThatThrownBy(() -> memory(store).contextWeight(0).build().messages())
                .isInstanceOf(CorruptChatStateException.class)
                .hasMessageContaining("contextWeight (stored 1.5, configured 0.0)")
                .hasMessageNotContaining("neural memory settings");
    }

    /** Rewrites a format-2 blob's header as format 1: version 1 and one int64 fingerprint, fresh CRC32C. */
    private static byte[] toFormat1(byte[] v2, long legacyFingerprint) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(v2);
        in.position(8);
        skipUtf(in); // neural settings
        in.getDouble(); // context weight
        skipUtf(in); // embedding model
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(v2, 0, 4);
        out.writeInt(1);
        out.writeLong(legacyFingerprint);
        out.write(v2, in.position(), v2.length - 4 - in.position());
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }

    /** Rewrites a format-2 blob's neural description to one string for both memories, fresh CRC32C. */
    private static byte[] withSingleDescription(byte[] v2, String description) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(v2);
        in.position(8);
        skipUtf(in); // neural settings (content | context)
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(v2, 0, 8);
        out.writeUTF(description);
        out.write(v2, in.position(), v2.length - 4 - in.position());
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }

    private static void skipUtf(ByteBuffer in) {
        int length = in.getShort() & 0xffff;
        in.position(in.position() + length);
    }

    /** Same dimension as {@link HashingEmbeddingModel}, different vectors: a different model. */
    private static final class ReversedHashingModel implements EmbeddingModel {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            List<Embedding> out = new ArrayList<>();
            for (TextSegment s : segments) {
                float[] v = HashingEmbeddingModel.vector(s.text());
                float[] reversed = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    reversed[i] = v[v.length - 1 - i];
                }
                out.add(Embedding.from(reversed));
            }
            return Response.from(out);
        }

        @Override
        public int dimension() {
            return HashingEmbeddingModel.DIMENSION;
        }
    }
}
