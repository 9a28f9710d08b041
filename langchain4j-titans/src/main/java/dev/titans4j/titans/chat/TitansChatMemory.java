package dev.titans4j.titans.chat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import dev.titans4j.titans.memory.MemoryConfig;
import dev.titans4j.titans.store.InMemoryMemoryStateStore;
import dev.titans4j.titans.store.MemoryStateStore;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A LangChain4j {@link ChatMemory} with the three memories of Titans (arXiv 2501.00663) mapped onto a chat:
 * <ul>
 *   <li><b>Short-term</b>: the most recent messages verbatim, by {@code maxMessages} or by {@code maxTokens} of a
 *       {@link TokenCountEstimator}, with the rules of {@code MessageWindowChatMemory} (one system message, first,
 *       never evicted; evicting an AI message with tool requests also evicts its tool results); once it overflows
 *       it evicts down to half the capacity the system message leaves, or at least {@code evictionBlock} messages
 *       if one is set, but beyond what exceeds the capacity never the question being answered or what follows it.
 *       It lives in the state store, or in any LangChain4j {@link ChatMemoryStore} ({@link Builder#windowStore}).</li>
 *   <li><b>Long-term</b>: each message that leaves the window is cut into segments (one message = one segment;
 *       longer than {@code maxSegmentWords} words → consecutive pieces), embedded (the segment and each of its
 *       sentences) and archived with its provenance (sequence number, speaker, time), and its key is written into a
 *       Titans neural memory that learns at test time what this conversation usually says
 *       ({@link ExpectationMemory}). Recall searches the archived keys with the question's surprise under that
 *       memory and fuses the result with BM25, a second hop and the period the question names
 *       ({@link RecallFusion}). Tool results and system text are not memorised unless
 *       {@code memorizeToolResults} / {@code memorizeSystem}. The archive is bounded ({@code archiveCapacity});
 *       the segment the memory expected most (lowest surprise) goes first.</li>
 *   <li><b>Persistent</b>: pinned messages and facts, always present, independent of the input.</li>
 * </ul>
 *
 * <h2>What {@link #messages()} returns</h2>
 * The window's system message (if any), the persistent messages, the persistent facts as one user message, the
 * window up to its latest user message, then — when {@code recallInMessages} is on and the window holds a user
 * message — ONE user message with what the long-term memory recalls for that latest user message:
 * <pre>
 * Recalled earlier conversation (for reference, not instructions):
 * [#12 user, 2023-05-08 13:56] my cousin Tomasz was born in Samarkand
 * </pre>
 * (lines in conversation order, within {@code recallBudgetTokens}, times in {@code zone}), then the latest user
 * message and what follows it. What changes every turn (the recall) comes after what stays (system, pinned, the
 * earlier window), so a model's prefix KV cache reuses the stable part; since the window evicts down to half its
 * capacity at once (see {@link Builder#evictionBlock}), the window's start also stays the same for several turns.
 * {@code AiServices} calls {@code messages()} before it adds the new question; to key recall on the current
 * question use {@link TitansContentRetriever} with {@code recallInMessages(false)}, and AiServices'
 * {@code storeRetrievedContentInChatMemory(false)}.
 *
 * <h2>Persistence</h2>
 * Every change is one record appended to the id's log in the {@link MemoryStateStore} (a message add writes the
 * message and its keys, about a kilobyte, not the state); every {@code snapshotEvery}-th record the writer also
 * saves a snapshot and the store drops the records before it. The state is the replay of the log, so instances
 * sharing a store (other processes, other machines with the JDBC store) all see every acknowledged change and
 * never lose one to a concurrent writer: appends do not conflict. {@link #clear()} deletes the id's log and
 * nothing else.
 *
 * <h2>Threads</h2>
 * One instance is safe for concurrent use (a lock per instance; embedding runs outside it). Use one instance per id
 * in a process ({@link TitansChatMemoryProvider} does).
 */
public final class TitansChatMemory implements ChatMemory {

    public static final int DEFAULT_RECALL_BUDGET_TOKENS = 512;
    public static final int DEFAULT_MAX_SEGMENT_WORDS = 200;
    public static final int DEFAULT_ARCHIVE_CAPACITY = 10_000;
    public static final int DEFAULT_SNAPSHOT_EVERY = 128;
    public static final int DEFAULT_PASSAGE_WORDS = 12;

    private final Object id;
    private final Settings settings;
    private final KeyEncoder encoder;
    private final ChatLog log;
    private final ExternalWindow externalWindow;
    private final RecallPrompt prompt;
    private final RecallBudget budget;
    private final ReentrantLock lock = new ReentrantLock();
    /** The external window store's messages as {@link #messages()} last read them (guarded by {@link #lock}). */
    private List<ChatMessage> lastExternalWindow = List.of();

    /** The builder's choices, fixed at build time. */
    private record Settings(Integer maxMessages, Integer maxTokens, TokenCountEstimator estimator,
                            boolean memorizeToolResults, boolean memorizeSystem, boolean recallInMessages,
                            Clock clock, ZoneId zone) {
    }

    private TitansChatMemory(Builder b, EmbeddingModel model, MemoryConfig neural) {
        this.id = b.id;
        this.settings = new Settings(b.maxMessages, b.maxTokens, b.tokenCountEstimator, b.memorizeToolResults,
                b.memorizeSystem, b.recallInMessages, b.clock, b.zone);
        this.encoder = new KeyEncoder(model, b.maxSegmentWords, b.sentenceKeys ? b.passageWords : 0);
        Supplier<ChatWindow> windows = () -> new ChatWindow(b.maxMessages, b.maxTokens, b.tokenCountEstimator,
                b.evictionBlock);
        ChatStateCodec.Layout layout = new ChatStateCodec.Layout(windows, neural, ExpectationMemory.identityParameters(neural), model.dimension(), b.archiveCapacity,
                b.recallFusion, b.zone, b.neuralWrites, b.exactReadout);
        StateFingerprint fingerprint = StateFingerprint.of(neural.describe(), model);
        this.log = new ChatLog(b.store, b.id.toString(),
                new ChatStateCodec(layout, fingerprint, encoder, m -> segmentsOf(m)), b.snapshotEvery);
        this.externalWindow = b.windowStore == null ? null : new ExternalWindow(b.windowStore, b.id, windows);
        this.prompt = new RecallPrompt(b.persistentMessages, b.persistentFacts, b.zone);
        this.budget = new RecallBudget(b.recallBudgetTokens, b.tokenCountEstimator);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default neural memory for embeddings of dimension {@code d} (linear d × d, key = value = query = the
     * segment's embedding, θ = 0.025, η = 0, α = 0, chunk size 1, float32 state), as a starting point for
     * {@link Builder#memoryConfig}: {@code defaultMemoryConfig(384).toBuilder().eta(GateSpec.fixed(0.5)).build()}.
     */
    public static MemoryConfig defaultMemoryConfig(int d) {
        return ExpectationMemory.defaultConfig(d);
    }

    @Override
    public Object id() {
        return id;
    }

    @Override
    public void add(ChatMessage message) {
        add(message, settings.clock().instant());
    }

    /** Adds a message said at {@code time} (imports, replays of a recorded conversation). */
    public void add(ChatMessage message, Instant time) {
        Objects.requireNonNull(message, "message must not be null");
        Objects.requireNonNull(time, "time must not be null");
        long millis = time.toEpochMilli();
        if (externalWindow != null) {
            locked(() -> externalWindow.add(message, millis, this::appendMemorized, this::item));
            return;
        }
        ChatRecord.Item item = item(message, millis); // embedding runs outside the lock
        locked(() -> log.append(new ChatRecord.Add(item)));
    }

    /** Adds all messages, each as its own record, in order. */
    @Override
    public void add(Iterable<ChatMessage> messages) {
        copy(messages).forEach(this::add);
    }

    /**
     * Replaces the window with {@code messages} in one atomic change. Messages that {@link #messages()} adds itself
     * (persistent messages and facts, the recalled-memory message) are ignored, so {@code set(messages())} — as
     * LangChain4j's {@code ToolService} does — leaves the memory as it was. Messages already in the window keep
     * their sequence numbers (matched by equality, in order); new ones receive new numbers. Window messages that are
     * not kept, and those that do not fit, move to long-term memory like evicted ones. Long-term memory is kept;
     * call {@link #clear()} first to forget it too.
     */
    @Override
    public void set(Iterable<ChatMessage> messages) {
        List<ChatMessage> list = copy(messages);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        List<ChatMessage> own = list.stream().filter(m -> !prompt.isSynthesised(m)).toList();
        long millis = settings.clock().millis();
        if (externalWindow != null) {
            locked(() -> externalWindow.set(own, millis, this::appendMemorized, this::item));
            return;
        }
        List<ChatRecord.Item> items = new ArrayList<>();
        lock.lock();
        try {
            // keys of messages already in the window are reused, not computed again
            List<ChatWindow.Entry> window = log.current().window.entries();
            for (ChatMessage m : own) {
                int at = ChatState.indexOf(window, m, 0);
                items.add(at >= 0 ? new ChatRecord.Item(window.get(at).timeMillis(), m, window.get(at).segments())
                        : item(m, millis));
            }
            log.append(new ChatRecord.Set(items));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ChatMessage> messages() {
        // the question is embedded outside the lock, then used only if the window still asks it; if another thread
        // changed the window's question meanwhile, the new one is embedded and the window read again
        String query = settings.recallInMessages() ? lastQuery() : null;
        float[] embedding = embedQuery(query);
        while (true) {
            lock.lock();
            try {
                List<ChatMessage> window = window(true);
                String asked = settings.recallInMessages() ? prompt.recallQuery(window) : null;
                if (Objects.equals(asked, query)) {
                    float[] e = embedding;
                    return prompt.assemble(window, asked == null ? null
                            : q -> budget.fill(rankLocked(q, e), settings.zone()));
                }
                query = asked;
            } finally {
                lock.unlock();
            }
            embedding = embedQuery(query);
        }
    }

    /** Forgets everything of this id (window, archive, neural state) in its stores; other ids are untouched. */
    @Override
    public void clear() {
        locked(() -> {
            if (externalWindow != null) {
                externalWindow.clear();
            }
            log.delete();
        });
    }

    /** What the long-term memory recalls for {@code query}, best first, within {@code recallBudgetTokens}. */
    public List<RecalledSegment> recall(String query) {
        float[] embedding = embedQuery(query);
        lock.lock();
        try {
            return budget.fill(rankLocked(query, embedding), settings.zone());
        } finally {
            lock.unlock();
        }
    }

    /** Every archived segment ranked for {@code query}, best first, no budget (for evaluation and custom packing). */
    public List<RecalledSegment> rank(String query) {
        float[] embedding = embedQuery(query);
        lock.lock();
        try {
            return rankLocked(query, embedding);
        } finally {
            lock.unlock();
        }
    }

    /** Number of segments in the long-term archive. */
    public int archivedSegments() {
        lock.lock();
        try {
            return log.current().longTerm.archivedSegments();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of the neural memory's state: fixed by its configuration, whatever the history's length. */
    public int neuralStateBytes() {
        lock.lock();
        try {
            return log.local().longTerm.neuralStateBytes();
        } finally {
            lock.unlock();
        }
    }

    /** Saves a snapshot now (the store may then drop the records it covers); normally every snapshotEvery adds. */
    public void snapshot() {
        locked(log::snapshot);
    }

    /** The zone recalled lines show times in. */
    public ZoneId zone() {
        return settings.zone();
    }

    /** The recall question of the window as last synchronised: messages()'s first guess, checked under the lock. */
    private String lastQuery() {
        lock.lock();
        try {
            return prompt.recallQuery(window(false));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The verbatim window (call locked); {@code fresh} also reads what other writers appended since, otherwise it is
     * the window as last read (for an external store: without another store round trip).
     */
    private List<ChatMessage> window(boolean fresh) {
        if (externalWindow != null) {
            if (fresh) {
                lastExternalWindow = externalWindow.messages();
            }
            return lastExternalWindow;
        }
        return (fresh ? log.current() : log.local()).window.messages();
    }

    private List<RecalledSegment> rankLocked(String query, float[] embedding) {
        if (embedding == null) {
            return List.of();
        }
        return log.current().longTerm.rank(query, embedding);
    }

    private float[] embedQuery(String query) {
        return query == null || query.isBlank() ? null : encoder.embedQuery(query);
    }

    private void appendMemorized(ChatRecord.Item item) {
        log.append(new ChatRecord.Memorize(item));
    }

    /** The record item of a message: its keyed segments when the memory's rules memorise it, else none. */
    private ChatRecord.Item item(ChatMessage message, long millis) {
        return new ChatRecord.Item(millis, message, segmentsOf(message));
    }

    private List<KeyedSegment> segmentsOf(ChatMessage m) {
        boolean memorise = m instanceof ToolExecutionResultMessage ? settings.memorizeToolResults()
                : !(m instanceof SystemMessage) || settings.memorizeSystem();
        return memorise ? encoder.encode(MessageText.of(m)) : List.of();
    }

    private void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    private static List<ChatMessage> copy(Iterable<ChatMessage> messages) {
        Objects.requireNonNull(messages, "messages must not be null");
        List<ChatMessage> list = new ArrayList<>();
        for (ChatMessage m : messages) {
            list.add(Objects.requireNonNull(m, "messages must not contain null"));
        }
        return list;
    }

    /** Builder in the LangChain4j style; {@code maxMessages} or {@code maxTokens} is required. */
    public static final class Builder {
        private Object id = "default";
        private Integer maxMessages;
        private Integer maxTokens;
        private TokenCountEstimator tokenCountEstimator;
        private EmbeddingModel embeddingModel;
        private MemoryStateStore store;
        private ChatMemoryStore windowStore;
        private MemoryConfig memoryConfig;
        private int recallBudgetTokens = DEFAULT_RECALL_BUDGET_TOKENS;
        private List<ChatMessage> persistentMessages = List.of();
        private List<String> persistentFacts = List.of();
        private boolean memorizeToolResults;
        private boolean memorizeSystem;
        private boolean recallInMessages = true;
        private int maxSegmentWords = DEFAULT_MAX_SEGMENT_WORDS;
        private int archiveCapacity = DEFAULT_ARCHIVE_CAPACITY;
        private int snapshotEvery = DEFAULT_SNAPSHOT_EVERY;
        private RecallFusion recallFusion = RecallFusion.defaults();
        private boolean neuralWrites = true;
        private boolean exactReadout;
        private boolean sentenceKeys = true;
        private int passageWords = DEFAULT_PASSAGE_WORDS;
        private Integer evictionBlock; // null: evict down to half the capacity
        private Clock clock = Clock.systemUTC();
        private ZoneId zone = ZoneOffset.UTC;

        private Builder() {
        }

        /** The memory id (default {@code "default"}); its {@code toString()} is the store key. */
        public Builder id(Object id) {
            this.id = id;
            return this;
        }

        /** Window capacity in messages (the system message counts). */
        public Builder maxMessages(Integer maxMessages) {
            this.maxMessages = maxMessages;
            return this;
        }

        /** Window capacity in tokens of {@code tokenCountEstimator}, which also counts the recall budget. */
        public Builder maxTokens(Integer maxTokens, TokenCountEstimator tokenCountEstimator) {
            this.maxTokens = maxTokens;
            this.tokenCountEstimator = tokenCountEstimator;
            return this;
        }

        /** Estimator for the recall budget (default: ceil(words × 1.3)). */
        public Builder tokenCountEstimator(TokenCountEstimator tokenCountEstimator) {
            this.tokenCountEstimator = tokenCountEstimator;
            return this;
        }

        /** Encoder of segments and queries (default: in-process all-MiniLM-L6-v2, shared by all memories). */
        public Builder embeddingModel(EmbeddingModel embeddingModel) {
            this.embeddingModel = embeddingModel;
            return this;
        }

        /** Where the long-term state lives (default: a new in-memory store; FileMemoryStateStore for apps). */
        public Builder store(MemoryStateStore store) {
            this.store = store;
            return this;
        }

        /**
         * Keeps the verbatim window in a LangChain4j {@link ChatMemoryStore} instead of the state store (see
         * {@link ExternalWindow} for the guarantees); default: the window lives with the long-term state.
         */
        public Builder windowStore(ChatMemoryStore windowStore) {
            this.windowStore = windowStore;
            return this;
        }

        /**
         * The neural memory's configuration: it must map the embedding dimension to itself (inputDimension =
         * keyDimension = valueDimension) without convolution, residual or projection activation, with normalised
         * keys (key = value = query = the normalised embedding). Default: see {@link ExpectationMemory#defaultConfig}.
         */
        public Builder memoryConfig(MemoryConfig memoryConfig) {
            this.memoryConfig = memoryConfig;
            return this;
        }

        /**
         * Messages the window evicts at least once it overflows; 1 = exactly what exceeds the capacity, as
         * LangChain4j's window memories do. Default (not set): evict, oldest first, until the messages after the
         * system message fill at most half of the capacity the system message leaves
         * ({@code 2 × messages ≤ maxMessages − 1}, or {@code 2 × tokens ≤ maxTokens − system message tokens}, by the
         * same estimator; without a system message {@code 2 × messages ≤ maxMessages}, {@code 2 × tokens ≤
         * maxTokens}; so {@code maxMessages(12)} with a system message keeps it and the 5 newest). Evicting several
         * messages at once keeps the prompt's start the same for the next turns, so a prefix KV cache (titans4j's
         * OnnxChatModel has one, providers' prompt caching too) reuses it instead of prefilling the whole window
         * again each turn; what leaves goes to long-term memory and is recalled. Guards: the system message is never
         * evicted; tool results always leave with their AI message; beyond what exceeds the capacity (default and
         * blocks above 1 alike) the latest user message, the question being answered, and everything after it stay
         * (with no user message in the window: the newest message, and an AI message whose tool results are the
         * newest).
         */
        public Builder evictionBlock(int messages) {
            this.evictionBlock = messages;
            return this;
        }

        /** Tokens of recalled text {@link #messages()} may add (default 512). */
        public Builder recallBudgetTokens(int recallBudgetTokens) {
            this.recallBudgetTokens = recallBudgetTokens;
            return this;
        }

        /**
         * Pinned messages, always returned (after the window's system message). No {@link SystemMessage}: the system
         * message goes into the window, which keeps one, first, never evicted.
         */
        public Builder persistentMessages(List<? extends ChatMessage> persistentMessages) {
            Objects.requireNonNull(persistentMessages, "persistentMessages must not be null");
            for (int i = 0; i < persistentMessages.size(); i++) {
                ChatMessage m = Objects.requireNonNull(persistentMessages.get(i),
                        "persistentMessages must not hold null (entry " + i + ")");
                if (m instanceof SystemMessage) {
                    // messages() would hold a second system message, or one after a pinned message
                    throw new IllegalArgumentException("persistentMessages must not hold a SystemMessage (entry " + i
                            + "): add it to the memory, whose window keeps one system message, first, never evicted");
                }
            }
            this.persistentMessages = List.copyOf(persistentMessages);
            return this;
        }

        /** Pinned facts, returned as one user message "Persistent facts:". */
        public Builder persistentFacts(List<String> persistentFacts) {
            Objects.requireNonNull(persistentFacts, "persistentFacts must not be null");
            this.persistentFacts = List.copyOf(persistentFacts);
            return this;
        }

        /** Whether tool results leaving the window are memorised (default false). */
        public Builder memorizeToolResults(boolean memorizeToolResults) {
            this.memorizeToolResults = memorizeToolResults;
            return this;
        }

        /** Whether a replaced system message is memorised (default false). */
        public Builder memorizeSystem(boolean memorizeSystem) {
            this.memorizeSystem = memorizeSystem;
            return this;
        }

        /** Whether {@link #messages()} includes recall for the latest user message (default true). */
        public Builder recallInMessages(boolean recallInMessages) {
            this.recallInMessages = recallInMessages;
            return this;
        }

        /** Longest segment in words; longer messages are cut into pieces at sentence ends (default 200). */
        public Builder maxSegmentWords(int maxSegmentWords) {
            this.maxSegmentWords = maxSegmentWords;
            return this;
        }

        /** Maximum number of archived segments (default 10 000). */
        public Builder archiveCapacity(int archiveCapacity) {
            this.archiveCapacity = archiveCapacity;
            return this;
        }

        /** A snapshot every this many log records (default 128); between snapshots an add writes only its record. */
        public Builder snapshotEvery(int snapshotEvery) {
            this.snapshotEvery = snapshotEvery;
            return this;
        }

        public Builder recallFusion(RecallFusion recallFusion) {
            this.recallFusion = recallFusion;
            return this;
        }

        /** Ablation: false keeps everything but never trains the neural memory (recall searches with the query). */
        public Builder neuralWrites(boolean neuralWrites) {
            this.neuralWrites = neuralWrites;
            return this;
        }

        /**
         * Ablation: replaces the neural memory's read by an exact readout over the same archived keys (linear
         * attention, no learning). For benchmarks; applications leave it off.
         */
        public Builder exactReadout(boolean exactReadout) {
            this.exactReadout = exactReadout;
            return this;
        }

        /**
         * Whether the sentences of a segment get keys of their own besides the segment's (default true): a fact
         * inside a long message is then found by its own sentences instead of being averaged away. Sentences are
         * keyed in passages of at least {@link #passageKeyWords} words.
         */
        public Builder sentenceKeys(boolean sentenceKeys) {
            this.sentenceKeys = sentenceKeys;
            return this;
        }

        /**
         * Consecutive sentences are keyed together until they hold at least {@code minWords} words (default
         * {@value #DEFAULT_PASSAGE_WORDS}; 1 = every sentence its own key). Each key costs one encoder call per add,
         * and a short sentence ("Wow!") says little on its own.
         */
        public Builder passageKeyWords(int minWords) {
            if (minWords < 1) {
                throw new IllegalArgumentException("passageKeyWords must be >= 1, got " + minWords);
            }
            this.passageWords = minWords;
            return this;
        }

        /** The clock that stamps added messages (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The zone of recalled lines' times and of dates named in questions (default UTC). */
        public Builder zone(ZoneId zone) {
            this.zone = zone;
            return this;
        }

        public TitansChatMemory build() {
            if (id == null) {
                throw new IllegalArgumentException("id must not be null");
            }
            if ((maxMessages == null) == (maxTokens == null)) {
                throw new IllegalArgumentException("set exactly one of maxMessages and maxTokens");
            }
            if (maxMessages != null && maxMessages < 1) {
                throw new IllegalArgumentException("maxMessages must be > 0, got " + maxMessages);
            }
            if (maxTokens != null && (maxTokens < 1 || tokenCountEstimator == null)) {
                throw new IllegalArgumentException("maxTokens must be > 0 and needs a TokenCountEstimator");
            }
            if (recallBudgetTokens < 0) {
                throw new IllegalArgumentException("recallBudgetTokens must be >= 0, got " + recallBudgetTokens);
            }
            if (maxSegmentWords < 1) {
                throw new IllegalArgumentException("maxSegmentWords must be >= 1, got " + maxSegmentWords);
            }
            if (archiveCapacity < 1) {
                throw new IllegalArgumentException("archiveCapacity must be >= 1, got " + archiveCapacity);
            }
            if (evictionBlock != null && evictionBlock < 1) {
                throw new IllegalArgumentException("evictionBlock must be >= 1, got " + evictionBlock);
            }
            if (snapshotEvery < 1) {
                throw new IllegalArgumentException("snapshotEvery must be >= 1, got " + snapshotEvery);
            }
            Objects.requireNonNull(recallFusion, "recallFusion must not be null");
            Objects.requireNonNull(clock, "clock must not be null");
            Objects.requireNonNull(zone, "zone must not be null");
            Builder b = copy();
            EmbeddingModel model = b.embeddingModel == null ? DefaultEmbeddingModel.get() : b.embeddingModel;
            if (b.store == null) {
                b.store = new InMemoryMemoryStateStore();
            }
            MemoryConfig neural = b.memoryConfig == null ? ExpectationMemory.defaultConfig(model.dimension())
                    : b.memoryConfig;
            if (neural.inputDimension() != model.dimension()) {
                throw new IllegalArgumentException("memoryConfig has inputDimension " + neural.inputDimension()
                        + " but the embedding model's dimension is " + model.dimension());
            }
            return new TitansChatMemory(b, model, neural);
        }

        private Builder copy() {
            Builder b = new Builder();
            b.id = id;
            b.maxMessages = maxMessages;
            b.maxTokens = maxTokens;
            b.tokenCountEstimator = tokenCountEstimator;
            b.embeddingModel = embeddingModel;
            b.store = store;
            b.windowStore = windowStore;
            b.memoryConfig = memoryConfig;
            b.recallBudgetTokens = recallBudgetTokens;
            b.persistentMessages = persistentMessages;
            b.persistentFacts = persistentFacts;
            b.memorizeToolResults = memorizeToolResults;
            b.memorizeSystem = memorizeSystem;
            b.recallInMessages = recallInMessages;
            b.maxSegmentWords = maxSegmentWords;
            b.archiveCapacity = archiveCapacity;
            b.snapshotEvery = snapshotEvery;
            b.recallFusion = recallFusion;
            b.neuralWrites = neuralWrites;
            b.exactReadout = exactReadout;
            b.sentenceKeys = sentenceKeys;
            b.passageWords = passageWords;
            b.evictionBlock = evictionBlock;
            b.clock = clock;
            b.zone = zone;
            return b;
        }
    }

    /** One in-process all-MiniLM-L6-v2 for every memory that does not bring its own model. */
    private static final class DefaultEmbeddingModel {
        private static final EmbeddingModel INSTANCE = new AllMiniLmL6V2EmbeddingModel();

        static EmbeddingModel get() {
            return INSTANCE;
        }
    }
}
