package dev.titans4j.titans.chat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.titans4j.titans.memory.MemoryConfig;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The long-term memory of one chat: messages that left the window are segmented, embedded, written into the
 * {@link NeuralAddressMemory neural memory} and archived; recall reads the neural memory, fuses its ranking with
 * BM25 (and optionally recency) and returns archived segments with provenance. Not thread-safe (the owning
 * {@link TitansChatMemory} locks).
 */
final class LongTermMemory {

    private final EmbeddingModel embeddingModel;
    private final Segmenter segmenter;
    private final NeuralAddressMemory neural;
    /** Keys carry the previous segment too (null when the context weight is 0). */
    private final NeuralAddressMemory contextNeural;
    private final SegmentArchive archive;
    private final LexicalIndex lexical = new LexicalIndex();
    private final RecallFusion fusion;
    private final boolean neuralWrites;

    LongTermMemory(EmbeddingModel embeddingModel, MemoryConfig memoryConfig, MemoryConfig contextMemoryConfig,
                   double contextWeight, int maxSegmentWords, int archiveCapacity, RecallFusion fusion,
                   boolean neuralWrites) {
        this(embeddingModel, NeuralAddressMemory.Layout.of(memoryConfig, 0), contextWeight == 0 ? null
                        : NeuralAddressMemory.Layout.of(NeuralAddressMemory.withContext(contextMemoryConfig),
                                contextWeight),
                maxSegmentWords, archiveCapacity, fusion, neuralWrites);
    }

    /** {@code context} is null without a context memory. */
    LongTermMemory(EmbeddingModel embeddingModel, NeuralAddressMemory.Layout content,
                   NeuralAddressMemory.Layout context, int maxSegmentWords, int archiveCapacity, RecallFusion fusion,
                   boolean neuralWrites) {
        this.embeddingModel = embeddingModel;
        this.segmenter = new Segmenter(maxSegmentWords);
        this.neural = new NeuralAddressMemory(content);
        this.contextNeural = context == null ? null : new NeuralAddressMemory(context);
        // retention ages segments at the content memory's forgetting rate (1e-4 by default: mostly by surprise)
        MemoryConfig memoryConfig = content.config();
        double alpha = memoryConfig.alpha().isDataDependent() ? memoryConfig.alpha().value() / 2
                : memoryConfig.alpha().value();
        this.archive = new SegmentArchive(archiveCapacity, alpha);
        this.fusion = fusion;
        this.neuralWrites = neuralWrites;
    }

    /**
     * Memorises one message that left the window. {@code memorise == false} (masked tool results, system text)
     * passes its segments through the neural stream with θ = 0 and does not archive them.
     */
    void memorize(long seq, String speaker, String text, boolean memorise) {
        List<String> pieces = segmenter.split(text);
        if (pieces.isEmpty()) {
            return;
        }
        List<TextSegment> segments = pieces.stream().map(TextSegment::from).toList();
        List<Embedding> embeddings = embeddingModel.embedAll(segments).content();
        for (int part = 0; part < pieces.size(); part++) {
            long position = neural.position();
            float[] e = embeddings.get(part).vector();
            double surprise = neural.write(e, memorise && neuralWrites);
            if (contextNeural != null) {
                contextNeural.write(e, memorise && neuralWrites);
            }
            if (memorise) {
                ArchivedSegment segment = new ArchivedSegment(position, seq, part, speaker, pieces.get(part),
                        surprise);
                lexical.add(position, segment.text());
                ArchivedSegment dropped = archive.add(segment, neural.position());
                if (dropped != null) {
                    lexical.remove(dropped.position());
                }
            }
        }
    }

    /** Every archived segment, best first for {@code query}. */
    List<RecalledSegment> rank(String query) {
        if (archive.size() == 0 || query == null || query.isBlank()) {
            return List.of();
        }
        List<ArchivedSegment> all = archive.snapshot();
        float[] q = embeddingModel.embed(query).content().vector();
        Map<Long, Double> fused = new HashMap<>();
        Map<Long, Double> lexicalScores = lexical.score(query);
        addRanks(fused, neuralScores(neural, q, all), fusion.neuralWeight());
        if (contextNeural != null) {
            addRanks(fused, neuralScores(contextNeural, q, all), fusion.contextNeuralWeight());
        }
        addRanks(fused, lexicalScores, fusion.lexicalWeight());
        if (fusion.recencyWeight() > 0) {
            Map<Long, Double> recency = new HashMap<>();
            all.forEach(s -> recency.put(s.position(), (double) s.position()));
            addRanks(fused, recency, fusion.recencyWeight());
        }
        if (fusion.secondHopNeuralWeight() + fusion.secondHopLexicalWeight() > 0 && !fused.isEmpty()) {
            // anchor: the best exact-term match (the most reliable first hit), else the best fused segment
            Map<Long, Double> anchorFrom = lexicalScores.isEmpty() ? fused : lexicalScores;
            ArchivedSegment top = archive.get(java.util.Collections.max(anchorFrom.entrySet(),
                    Map.Entry.<Long, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey())).getKey());
            float[] q2 = embeddingModel.embed(top.text()).content().vector();
            if (fusion.secondHopNeuralWeight() > 0) {
                addRanks(fused, neuralScores(neural, q2, all), fusion.secondHopNeuralWeight());
            }
            addRanks(fused, lexical.score(top.text()), fusion.secondHopLexicalWeight());
        }
        List<RecalledSegment> ranked = new ArrayList<>(all.size());
        for (ArchivedSegment s : all) {
            ranked.add(new RecalledSegment(s.seq(), s.part(), s.speaker(), s.text(),
                    fused.getOrDefault(s.position(), 0.0)));
        }
        ranked.sort(Comparator.comparingDouble(RecalledSegment::score).reversed()
                .thenComparing(Comparator.comparingLong(RecalledSegment::seq).reversed()));
        return ranked;
    }

    /** cos(M*(q), code) per archived segment; empty when the memory reads 0 (it points nowhere). */
    private static Map<Long, Double> neuralScores(NeuralAddressMemory memory, float[] q, List<ArchivedSegment> all) {
        double[] read = memory.read(q);
        double readNorm = NeuralAddressMemory.norm(read);
        Map<Long, Double> scores = new HashMap<>();
        if (readNorm > 0) {
            for (ArchivedSegment s : all) {
                scores.put(s.position(), memory.score(read, readNorm, s.position()));
            }
        }
        return scores;
    }

    private void addRanks(Map<Long, Double> fused, Map<Long, Double> scores, double weight) {
        if (weight == 0 || scores.isEmpty()) {
            return;
        }
        List<Map.Entry<Long, Double>> entries = new ArrayList<>(scores.entrySet());
        entries.sort(Map.Entry.<Long, Double>comparingByValue().reversed()
                .thenComparing(Map.Entry.<Long, Double>comparingByKey().reversed()));
        int votes = Math.min(entries.size(), fusion.depth());
        for (int rank = 1; rank <= votes; rank++) {
            Map.Entry<Long, Double> e = entries.get(rank - 1);
            fused.merge(e.getKey(), weight / (fusion.k() + rank), Double::sum);
        }
    }

    int archivedSegments() {
        return archive.size();
    }

    /** Bytes of neural state (both memories): fixed by the configuration, independent of the history length. */
    int neuralStateBytes() {
        return neural.stateBytes().length + (contextNeural == null ? 0 : contextNeural.stateBytes().length);
    }

    void writeTo(DataOutput out) throws IOException {
        List<ArchivedSegment> all = archive.snapshot();
        out.writeInt(all.size());
        for (ArchivedSegment s : all) {
            out.writeLong(s.position());
            out.writeLong(s.seq());
            out.writeInt(s.part());
            out.writeUTF(s.speaker());
            StateCodec.writeString(out, s.text());
            out.writeDouble(s.surprise());
        }
        StateCodec.writeBytes(out, neural.stateBytes());
        StateCodec.writeBytes(out, contextNeural == null ? new byte[0] : contextNeural.stateBytes());
    }

    void readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative archive size " + n);
        }
        List<ArchivedSegment> loaded = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            loaded.add(new ArchivedSegment(in.readLong(), in.readLong(), in.readInt(), in.readUTF(),
                    StateCodec.readString(in), in.readDouble()));
        }
        neural.restore(StateCodec.readBytes(in));
        byte[] context = StateCodec.readBytes(in);
        if (contextNeural != null) {
            contextNeural.restore(context);
        } else if (context.length > 0) {
            throw new IOException("state has a context memory but the configuration has none");
        }
        // A state saved under a larger archiveCapacity is trimmed with the normal retention policy, not refused.
        for (ArchivedSegment s : loaded) {
            lexical.add(s.position(), s.text());
            ArchivedSegment dropped = archive.add(s, neural.position());
            if (dropped != null) {
                lexical.remove(dropped.position());
            }
        }
    }
}
