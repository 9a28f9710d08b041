package dev.titans4j.titans.chat;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Recall from a {@link TitansChatMemory} keyed on the current question, for {@code AiServices}'
 * {@code contentRetriever}/{@code retrievalAugmentor}: the memory of the query's chat memory id recalls within its
 * {@code recallBudgetTokens}; each segment becomes one {@link Content} whose text is
 * {@code [#seq speaker, time] text} and whose metadata holds {@code seq}, {@code part}, {@code speaker},
 * {@code score} and, when known, {@code time} (ISO-8601). Contents come in
 * conversation order. Build the memories with {@code recallInMessages(false)} so recall is not injected twice,
 * and AiServices with {@code storeRetrievedContentInChatMemory(false)}: by default it stores the question with the
 * recalled lines appended, which the memory then archives again as the question's own text, under its sequence
 * number and time. See {@link TitansChatMemory} for the full wiring.
 */
public final class TitansContentRetriever implements ContentRetriever {

    private final Function<Object, TitansChatMemory> memories;

    private TitansContentRetriever(Function<Object, TitansChatMemory> memories) {
        this.memories = memories;
    }

    /** Recalls from the provider's memory of each query's chat memory id ({@code "default"} when there is none). */
    public static TitansContentRetriever from(TitansChatMemoryProvider provider) {
        Objects.requireNonNull(provider, "provider must not be null");
        return new TitansContentRetriever(provider::get);
    }

    /** Recalls from one memory, whatever the query's chat memory id. */
    public static TitansContentRetriever from(TitansChatMemory memory) {
        Objects.requireNonNull(memory, "memory must not be null");
        return new TitansContentRetriever(id -> memory);
    }

    @Override
    public List<Content> retrieve(Query query) {
        Object id = query.metadata() == null || query.metadata().chatMemoryId() == null ? "default"
                : query.metadata().chatMemoryId();
        TitansChatMemory memory = memories.apply(id);
        return memory.recall(query.text()).stream()
                .sorted(java.util.Comparator.comparingLong(RecalledSegment::seq)
                        .thenComparingInt(RecalledSegment::part))
                .map(s -> Content.from(TextSegment.from(s.line(memory.zone()), new Metadata()
                        .put("seq", s.seq()).put("part", s.part()).put("speaker", s.speaker())
                        .put("score", s.score()).putAll(timeOf(s)))))
                .toList();
    }

    private static java.util.Map<String, Object> timeOf(RecalledSegment s) {
        return s.time() == null ? java.util.Map.of() : java.util.Map.of("time", s.time().toString());
    }
}
