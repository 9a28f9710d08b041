/**
 * The conversation recall benchmark of issue 8: how much of the evidence a question needs does a memory put into a
 * prompt of B tokens?
 *
 * <h2>Protocol</h2>
 * For each conversation of a {@link dev.titans4j.bench.recall.dataset.RecallDataset dataset} a fresh
 * {@link dev.titans4j.bench.recall.memory.RecallMemory} receives every turn in order as a chat message (the
 * conversation's first speaker as {@code UserMessage}, every other as {@code AiMessage}, text prefixed with
 * {@code "Speaker: "}); after the last turn every question is asked and the memory returns the turns it would inject.
 * A question scores the share of its evidence turns among them; scores are averaged over questions, per category and
 * overall.
 *
 * <h2>Budget</h2>
 * One estimator for every memory: {@code tokens = ceil(words × 1.3)} of the injected message text
 * ({@link dev.titans4j.bench.recall.memory.TokenEstimator}); B bounds window and recalled turns together, and the
 * runner rejects any memory that overspends. Memories with long-term recall keep the most recent turns that fit in
 * {@code floor(B × 0.25)} verbatim and fill the rest with recalled older turns, best ranked first, skipping turns that
 * no longer fit ({@link dev.titans4j.bench.recall.memory.BudgetPolicy}, {@code --recent-share}); the {@code window}
 * baseline fills all of B with recent turns. Segment = one turn.
 *
 * <h2>Memories</h2>
 * {@code window}; {@code embedding} (all-MiniLM-L6-v2 + LangChain4j {@code InMemoryEmbeddingStore}, cosine);
 * {@code bm25} (Lucene {@code EnglishAnalyzer}, {@code BM25Similarity} k1 = 1.2, b = 0.75; only turns sharing a term
 * with the question are ranked, so it may leave budget unused); {@code hybrid} (reciprocal rank fusion, k = 60, of the
 * two rankings); {@code titans} and {@code titans-no-write}, registered in
 * {@link dev.titans4j.bench.recall.memory.RecallMemoryRegistry#standard} and reported as not available until the
 * TitansChatMemory adapter replaces their {@code unavailable(...)} lines with {@code register(name, factory)}.
 *
 * <h2>Metrics</h2>
 * Evidence recall; mean injected tokens per question; ingest time per turn (all {@code add} calls plus
 * {@code endOfIngest}); recall latency p50/p95 of one {@code inject} call (nearest rank; includes embedding the
 * question); mean state bytes per conversation after ingest (turn text + vectors + index files / neural state).
 *
 * <h2>Commands</h2>
 * <pre>
 * java -jar integration-tests/target/titans4j-cli.jar make-recall-data babi --out target/recall-babi.json
 * java -jar integration-tests/target/titans4j-cli.jar make-recall-data needle --tokens 50000 --conversations 4 \
 *      --needles 10 --out target/recall-needle-50k.json
 * java -jar integration-tests/target/titans4j-cli.jar recall-bench --data FILE --memory all --budget 1024 --json
 * </pre>
 * Needle datasets contain essay text from {@code ../shared/data/haystack}: generate them at run time under
 * {@code target/}, never commit or ship them. bAbI-derived data (CC BY 3.0) carries its attribution.
 */
package dev.titans4j.bench.recall;
