package dev.titans4j.bench.recall.memory;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Dense retrieval: every turn's message text embedded with the given {@link EmbeddingModel} (all-MiniLM-L6-v2 in the
 * benchmark) into a LangChain4j {@link InMemoryEmbeddingStore}; a query ranks all turns by cosine similarity.
 */
public final class EmbeddingRanker implements Ranker {

    private static final String SEQ = "seq";

    private final EmbeddingModel model;
    private final InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    private final List<ChatTurn> bySeq = new ArrayList<>();
    private long vectorBytes;

    public EmbeddingRanker(EmbeddingModel model) {
        this.model = model;
    }

    @Override
    public void index(ChatTurn turn) {
        TextSegment segment = TextSegment.from(turn.text(), new Metadata().put(SEQ, turn.seq()));
        Embedding embedding = model.embed(segment).content();
        store.add(embedding, segment);
        register(turn);
        vectorBytes += (long) embedding.dimension() * Float.BYTES;
    }

    private void register(ChatTurn turn) {
        while (bySeq.size() <= turn.seq()) {
            bySeq.add(null);
        }
        bySeq.set(turn.seq(), turn);
    }

    @Override
    public List<ChatTurn> rank(String query) {
        if (store.isEmpty()) {
            return List.of();
        }
        Embedding queryEmbedding = model.embed(query).content();
        EmbeddingSearchRequest request = EmbeddingSearchRequest.builder()
                .queryEmbedding(queryEmbedding)
                .maxResults(store.size())
                .minScore(0.0)
                .build();
        List<ChatTurn> ranked = new ArrayList<>();
        for (EmbeddingMatch<TextSegment> match : store.search(request).matches()) {
            ranked.add(bySeq.get(match.embedded().metadata().getInteger(SEQ)));
        }
        return ranked;
    }

    /** The vectors (float32); the segment text is counted once by the memory. */
    @Override
    public long indexBytes() {
        return vectorBytes;
    }
}
