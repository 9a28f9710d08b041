package dev.titans4j.t2;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.TokenCountEstimator;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.chat.ChatFormat;
import dev.titans4j.t2.chat.ChatFormats;
import dev.titans4j.t2.constrain.JsonConstraint;
import dev.titans4j.t2.constrain.TokenVocabulary;
import dev.titans4j.t2.engine.EngineOptions;
import dev.titans4j.t2.engine.Generator;
import dev.titans4j.t2.engine.OnnxModel;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import dev.titans4j.t2.tokenizer.TokenizerTokenCountEstimator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything loaded once per exported model folder: the ONNX Runtime session, the tokenizer and the chat format.
 * Thread-safe; share one engine between any number of {@link OnnxChatModel}s and {@link OnnxStreamingChatModel}s
 * (pass it to their builders with {@code engine(...)}) so the weights are in memory once.
 */
public final class OnnxChatEngine implements AutoCloseable {

    private final OnnxModel model;
    private final ModelTokenizer tokenizer;
    private final ChatFormat chatFormat;
    private final Generator generator;
    private final String modelName;
    private final OnnxChatRequestParameters modelDefaults;
    private final Set<Integer> stopTokenIds;
    private final List<String> formatTextStops;
    private final Path tokenizerJson;
    private final ConstraintCache constraints = new ConstraintCache(64);
    private volatile TokenVocabulary tokenVocabulary;
    private volatile boolean closed;

    private OnnxChatEngine(OnnxModel model, ModelTokenizer tokenizer, ChatFormat chatFormat, String modelName,
                           OnnxChatRequestParameters modelDefaults, Path tokenizerJson) {
        this.tokenizerJson = tokenizerJson;
        this.model = model;
        this.modelDefaults = modelDefaults;
        this.tokenizer = tokenizer;
        this.chatFormat = chatFormat;
        this.generator = new Generator(model, tokenizer);
        this.modelName = modelName;
        // end-of-turn markup is normally one special token (decoded text omits it): stop on its id;
        // markup that is not a single token is matched in the text instead
        Set<Integer> stops = new LinkedHashSet<>(model.manifest().tokens().eosTokenIds() == null ? List.of()
                : model.manifest().tokens().eosTokenIds());
        List<String> textStops = new ArrayList<>();
        for (String stop : chatFormat.stopStrings()) {
            OptionalInt id = tokenizer.tokenId(stop);
            if (id.isPresent()) {
                stops.add(id.getAsInt());
            } else {
                textStops.add(stop);
            }
        }
        this.stopTokenIds = Set.copyOf(stops);
        this.formatTextStops = List.copyOf(textStops);
    }

    /** Loads an exported model folder (written by {@code titans4j export}) with default engine options. */
    public static OnnxChatEngine load(Path modelPath) {
        return load(modelPath, EngineOptions.defaults());
    }

    public static OnnxChatEngine load(Path modelPath, EngineOptions options) {
        Objects.requireNonNull(modelPath, "modelPath");
        OnnxModel model = OnnxModel.load(modelPath, options);
        try {
            ModelManifest manifest = model.manifest();
            ModelTokenizer tokenizer = ModelTokenizer.load(modelPath, manifest);
            ChatFormat format = ChatFormats.forManifest(manifest, modelPath);
            Path name = modelPath.toAbsolutePath().normalize().getFileName();
            OnnxChatRequestParameters defaults = GenerationDefaults.forManifest(manifest, modelPath);
            Path tokenizerJson = manifest.files().tokenizer() == null ? null
                    : modelPath.resolve(manifest.files().tokenizer());
            return new OnnxChatEngine(model, tokenizer, format, name == null ? "onnx-model" : name.toString(),
                    defaults, tokenizerJson);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The prompt token ids of a conversation in the model's chat format, ending with the assistant's turn header
     * (BOS first when the format wants it).
     */
    public int[] promptIds(List<ChatMessage> messages) {
        return promptIds(messages, List.of());
    }

    /**
     * As {@link #promptIds(List)}, offering {@code tools} the way the chat format's template does; thinking as the
     * template's default.
     */
    public int[] promptIds(List<ChatMessage> messages, List<ToolSpecification> tools) {
        return prompt(messages, tools, null).ids();
    }

    /**
     * As {@link #promptIds(List, List)}, with thinking on or off for a format that {@link ChatFormat#thinks()
     * thinks}, as the template's {@code enable_thinking} (ignored by hand-written formats that do not think).
     */
    public int[] promptIds(List<ChatMessage> messages, List<ToolSpecification> tools, boolean thinking) {
        return prompt(messages, tools, thinking).ids();
    }

    /** A rendered prompt and its token ids. */
    record Prompt(String text, int[] ids) {
    }

    /**
     * The prompt with thinking switched on or off, or (null) as the template's default. Switched off, a prompt whose
     * template opens the reasoning regardless (DeepSeek-R1-Distill, QwQ: no switch) gets it closed empty, so the
     * answer, a constrained one too, starts as an answer rather than inside {@code <think>}.
     */
    Prompt prompt(List<ChatMessage> messages, List<ToolSpecification> tools, Boolean thinking) {
        ModelTokenizer.Prompt rendered = tokenizer.encodePrompt(messages, quoted -> {
            String text = thinking == null ? chatFormat.render(quoted, tools, true)
                    : chatFormat.render(quoted, tools, true, thinking);
            return Boolean.FALSE.equals(thinking) ? ThinkingSplitter.closeOpenedReasoning(text) : text;
        });
        String text = rendered.text();
        int[] encoded = rendered.ids();
        Integer bos = model.manifest().tokens().bosTokenId();
        if (!chatFormat.prependBos() || bos == null) {
            return new Prompt(text, encoded);
        }
        int[] ids = new int[encoded.length + 1];
        ids[0] = bos;
        System.arraycopy(encoded, 0, ids, 1, encoded.length);
        return new Prompt(text, ids);
    }

    public OnnxModel model() {
        return model;
    }

    public ModelTokenizer tokenizer() {
        return tokenizer;
    }

    public ChatFormat chatFormat() {
        return chatFormat;
    }

    /**
     * The model's own sampling defaults (from {@code generation_config.json}, as the manifest records them: greedy
     * unless it says
     * {@code do_sample}); chat models built on this engine start from these.
     */
    public OnnxChatRequestParameters modelDefaults() {
        return modelDefaults;
    }

    /**
     * A LangChain4j {@link TokenCountEstimator} backed by this model's tokenizer and chat format (for chat memory
     * windows such as {@code TokenWindowChatMemory}).
     */
    public TokenCountEstimator tokenCountEstimator() {
        return new TokenizerTokenCountEstimator(tokenizer, chatFormat);
    }

    /** Token ids that end the assistant's turn: the model's EOS ids and the chat format's end-of-turn tokens. */
    public Set<Integer> stopTokenIds() {
        return stopTokenIds;
    }

    /** End-of-turn markup of the chat format that is not a single token, matched as text. */
    public List<String> formatTextStops() {
        return formatTextStops;
    }

    /** The generation loop over this engine's model and tokenizer (for callers below the LangChain4j API). */
    public Generator generator() {
        return generator;
    }

    /**
     * Every token's bytes for constrained decoding, with this engine's stop tokens as end-of-sequence; built on first
     * use (the byte trie and string tables: well under a second even for 150k-token vocabularies) and then shared.
     */
    public TokenVocabulary tokenVocabulary() {
        TokenVocabulary v = tokenVocabulary;
        if (v == null) {
            synchronized (this) {
                v = tokenVocabulary;
                if (v == null) {
                    if (tokenizerJson == null) {
                        throw new IllegalStateException("the model folder names no tokenizer.json, which constrained "
                                + "decoding needs");
                    }
                    int[] eos = stopTokenIds.stream().mapToInt(Integer::intValue).sorted().toArray();
                    tokenVocabulary = v = TokenVocabulary.fromTokenizerJson(tokenizerJson, eos)
                            .prepare();
                }
            }
        }
        return v;
    }

    /** A compiled constraint from this engine's cache (keyed by what it was compiled from), compiling on a miss. */
    JsonConstraint constraint(Object key, Supplier<JsonConstraint> compile) {
        return constraints.get(key, compile);
    }

    /** The name reported in responses: the model folder's name. */
    public String modelName() {
        return modelName;
    }

    /** Fails with a message naming the model once it is closed (instead of one about its tokenizer or graph). */
    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("The model '" + modelName + "' is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        // The model first: it waits for running graph calls, and in-flight generations then fail with
        // "model is closed" rather than with an error from a tokenizer closed underneath them.
        try {
            model.close();
        } finally {
            tokenizer.close();
        }
    }
}
