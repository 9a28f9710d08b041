package dev.titans4j.titans.chat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.titans4j.titans.format.CorruptStateException;
import dev.titans4j.titans.memory.GateSpec;
import dev.titans4j.titans.memory.MemoryConfig;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stored state stays readable when a setting that does not shape it changes, and is refused when one does. */
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
        big.snapshot(); // trimming must work from a snapshot as well as from a replay

        TitansChatMemory small = memory(store).archiveCapacity(5).build();
        assertThat(small.archivedSegments()).isEqualTo(5);
        Set<String> kept = new HashSet<>();
        small.rank("barn").forEach(s -> kept.add(s.text()));
        assertThat(kept).hasSize(5);
        // the lexical index forgot the dropped segments too: a query for a dropped animal finds nothing stale
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
        written.snapshot();

        TitansChatMemory otherModel = TitansChatMemory.builder().embeddingModel(new ReversedHashingModel()).id("u")
                .maxMessages(1).store(store).build();
        assertThatThrownBy(otherModel::messages).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("embedding model")
                .hasMessageContaining(HashingEmbeddingModel.class.getName())
                .hasMessageContaining(ReversedHashingModel.class.getName());

        // another instance of the same model reads it
        assertThat(memory(store).build().archivedSegments()).isEqualTo(1);
    }

    @Test
    void a_log_record_written_under_another_configuration_is_refused() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        memory(store).build().add(UserMessage.from("The zebra sleeps in the barn."));

        TitansChatMemory otherModel = TitansChatMemory.builder().embeddingModel(new ReversedHashingModel()).id("u")
                .maxMessages(1).store(store).build();
        assertThatThrownBy(otherModel::messages).isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("log record 1 of memory id 'u'")
                .hasMessageContaining("written under another configuration");
    }

    @Test
    void changing_settings_that_do_not_shape_the_state_keeps_it_readable() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory written = memory(store).maxSegmentWords(200).build();
        written.add(UserMessage.from("The zebra sleeps in the barn."));
        written.add(UserMessage.from("ok"));
        written.snapshot();

        TitansChatMemory reread = memory(store).maxSegmentWords(3).recallBudgetTokens(7).snapshotEvery(3)
                .recallFusion(new RecallFusion(2, 1, 0, 1, 0, 0, 60)).build();
        assertThat(reread.rank("zebra")).extracting(RecalledSegment::text)
                .containsExactly("The zebra sleeps in the barn.");
    }

    @Test
    void the_configuration_error_names_each_setting_that_differs() {
        InMemoryMemoryStateStore store = new InMemoryMemoryStateStore();
        TitansChatMemory written = memory(store).build();
        written.add(UserMessage.from("The zebra sleeps in the barn."));
        written.add(UserMessage.from("ok"));
        written.snapshot();

        MemoryConfig fasterForgetting = ExpectationMemory.defaultConfig(HashingEmbeddingModel.DIMENSION)
                .toBuilder().alpha(GateSpec.fixed(0.01)).build();
        assertThatThrownBy(() -> memory(store).memoryConfig(fasterForgetting).build().messages())
                .isInstanceOf(CorruptStateException.class)
                .hasMessageContaining("neural memory settings (stored ")
                .hasMessageContaining("alpha=fixed(0.01)")
                .hasMessageNotContaining("embedding model (");
    }

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
