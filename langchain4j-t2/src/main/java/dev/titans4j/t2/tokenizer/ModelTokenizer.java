package dev.titans4j.t2.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.titans4j.export.manifest.ModelManifest;
import dev.langchain4j.data.message.ChatMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A model's Hugging Face {@code tokenizer.json}, run by DJL's binding of the Rust tokenizers library, fully offline.
 *
 * <p>BOS handling is explicit and ours: the tokenizer's own post-processor (which may or may not add BOS) is never
 * run; {@link #encode} prepends {@code bosId} when {@code addBos} says so, {@link #encodeRaw} never does. Special
 * token strings in the text (e.g. {@code <|im_start|>}) always map to their special ids, as in Hugging Face.
 *
 * <p>Thread-safe: encode/decode may run concurrently; {@link #close()} waits for calls in flight.
 */
public final class ModelTokenizer implements AutoCloseable {

    static {
        // DJL must never try the network (it would look for a native library or a hub tokenizer otherwise).
        if (System.getProperty("DJL_OFFLINE") == null) {
            System.setProperty("DJL_OFFLINE", "true");
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final Path tokenizerJson;
    private final TokenizerVocabulary vocabulary;
    private final SpecialTokenQuoting quoting;
    /** The special tokens' strings and ids. */
    private final Map<String, Integer> specials;
    /** The tokenizer whose special tokens carry {@link SpecialTokenQuoting#MARK}; made on first need. */
    private HuggingFaceTokenizer marked;
    private final boolean addBos;
    private final Integer bosId;

    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private ModelTokenizer(HuggingFaceTokenizer tokenizer, Path tokenizerJson, TokenizerVocabulary vocabulary,
                           boolean addBos, Integer bosId) {
        this.tokenizer = tokenizer;
        this.tokenizerJson = tokenizerJson;
        this.vocabulary = vocabulary;
        this.specials = vocabulary.specialTokens();
        this.quoting = new SpecialTokenQuoting(specials.keySet());
        this.addBos = addBos;
        this.bosId = bosId;
    }

    /**
     * Loads {@code tokenizer.json}.
     *
     * @param addBos whether {@link #encode} prepends {@code bosId} (the tokenizer config's {@code add_bos_token})
     * @param bosId  the BOS token id; required when {@code addBos} is true
     */
    public static ModelTokenizer load(Path tokenizerJson, boolean addBos, Integer bosId) {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("tokenizer file not found: " + tokenizerJson.toAbsolutePath());
        }
        TokenizerVocabulary vocabulary = TokenizerVocabulary.read(tokenizerJson);
        if (addBos && bosId == null) {
            throw new IllegalArgumentException(tokenizerJson + ": addBos is true but no BOS token id was given");
        }
        if (bosId != null && !vocabulary.contains(bosId)) {
            throw new IllegalArgumentException(tokenizerJson + ": BOS token id " + bosId
                    + " is not in the vocabulary (size " + vocabulary.size() + ")");
        }
        // Read from a stream so DJL does not look for (or download) companion files; no truncation, no padding.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return new ModelTokenizer(HuggingFaceTokenizer.newInstance(in, options), tokenizerJson, vocabulary, addBos,
                    bosId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(tokenizerJson + ": not a tokenizer the Hugging Face tokenizers "
                    + "library accepts: " + e.getMessage(), e);
        }
    }

    /** Loads the tokenizer of an exported model folder, with BOS handling from its manifest. */
    public static ModelTokenizer load(Path modelFolder, ModelManifest manifest) {
        String file = manifest.files().tokenizer() != null ? manifest.files().tokenizer() : "tokenizer.json";
        ModelManifest.Tokens tokens = manifest.tokens();
        return load(modelFolder.resolve(file), tokens.addBosToken(), tokens.bosTokenId());
    }

    /** Token ids of {@code text}, with BOS first when this tokenizer was loaded with {@code addBos}. */
    public int[] encode(String text) {
        int[] raw = encodeRaw(text);
        if (!addBos) {
            return raw;
        }
        int[] ids = new int[raw.length + 1];
        ids[0] = bosId;
        System.arraycopy(raw, 0, ids, 1, raw.length);
        return ids;
    }

    /** Token ids of {@code text}, never adding BOS/EOS; special-token strings in the text map to their ids. */
    public int[] encodeRaw(String text) {
        Objects.requireNonNull(text, "text");
        return toInts(withOpen(() -> tokenizer.encode(text, false, false).getIds()));
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** A prompt as the model reads it, and its token ids (without BOS). */
    public record Prompt(String text, int[] ids) {
    }

    /**
     * Renders a conversation with {@code render} (a chat format) and encodes it, so that only the chat format's
     * markup becomes special tokens: a special-token string inside message content (user text, tool results, AI
     * text and tool-call arguments), such as {@code <|im_end|>} typed by a user, is encoded as the plain text it
     * is, so it cannot end a turn or open another one. Content without special-token strings is encoded exactly as
     * {@link #encodeRaw} encodes the rendered text (as Hugging Face does). Never adds BOS.
     */
    public Prompt encodePrompt(List<ChatMessage> messages, Function<List<ChatMessage>, String> render) {
        Objects.requireNonNull(render, "render");
        List<ChatMessage> quoted = quoting.quote(Objects.requireNonNull(messages, "messages"));
        if (quoted == messages) {
            String text = render.apply(messages);
            return new Prompt(text, encodeRaw(text));
        }
        SpecialTokenQuoting.Split split = quoting.split(render.apply(quoted));
        return new Prompt(split.text(), toInts(withOpen(() -> encodeMarked(split.marked()))));
    }

    /**
     * Ids of {@code marked} (markup carrying {@link SpecialTokenQuoting#MARK}). A {@code "normalized": true} special
     * token matches only where the normalizer lets it (after SentencePiece's prepended space): where the plain
     * tokenizer reads markup as text, its mark is dropped and the text encoded again, so that the mark does not
     * become a token of its own.
     */
    private long[] encodeMarked(String marked) {
        while (true) {
            Encoding encoding = markedTokenizer().encode(marked, false, false);
            String matched = withoutUnmatchedMarks(marked, encoding);
            if (matched == marked) {
                return encoding.getIds();
            }
            marked = matched;
        }
    }

    /** {@code marked} without the marks that no token of their special string took in; the same instance if none. */
    private String withoutUnmatchedMarks(String marked, Encoding encoding) {
        long[] ids = encoding.getIds();
        CharSpan[] spans = encoding.getCharTokenSpans(); // in code points
        int[] charAt = new int[marked.codePointCount(0, marked.length()) + 1];
        for (int cp = 0, i = 0; cp < charAt.length; cp++) {
            charAt[cp] = i;
            i = i < marked.length() ? marked.offsetByCodePoints(i, 1) : i;
        }
        BitSet taken = new BitSet(marked.length());
        for (int t = 0; t < ids.length; t++) {
            if (spans[t] == null || !vocabulary.isSpecial((int) ids[t])) {
                continue;
            }
            int end = charAt[Math.min(spans[t].getEnd(), charAt.length - 1)];
            for (int i = charAt[Math.min(spans[t].getStart(), charAt.length - 1)]; i < end; i++) {
                int length = marked.charAt(i) == SpecialTokenQuoting.MARK ? quoting.specialAt(marked, i + 1) : 0;
                Integer id = length > 0 ? specials.get(marked.substring(i + 1, i + 1 + length)) : null;
                if (id != null && id == ids[t] && i + 1 + length <= end) {
                    taken.set(i);
                }
            }
        }
        StringBuilder out = null;
        for (int i = 0; i < marked.length(); i++) {
            char c = marked.charAt(i);
            if (c == SpecialTokenQuoting.MARK && !taken.get(i)) {
                if (out == null) {
                    out = new StringBuilder(marked.length()).append(marked, 0, i);
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? marked : out.toString();
    }

    /** The marked tokenizer ({@link MarkedTokenizerJson}), checked to give every special token its own id. */
    private synchronized HuggingFaceTokenizer markedTokenizer() {
        if (marked != null) {
            return marked;
        }
        HuggingFaceTokenizer made;
        try {
            byte[] json = MarkedTokenizerJson.rewrite(Files.readAllBytes(tokenizerJson), specials.keySet());
            made = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizerJson, e);
        }
        // each one alone, against the plain tokenizer: added tokens with "normalized": true only match where the
        // normalizer lets them (after a space, for SentencePiece's Prepend), so a run of them proves nothing
        for (String special : specials.keySet()) {
            long[] plain = tokenizer.encode(special, false, false).getIds();
            long[] got = made.encode(SpecialTokenQuoting.MARK + special, false, false).getIds();
            if (!Arrays.equals(got, plain)) {
                made.close();
                throw new IllegalStateException(tokenizerJson + ": cannot tell the special tokens in message content"
                        + " from chat markup: the marked tokenizer encodes " + special + " as " + Arrays.toString(got)
                        + ", not " + Arrays.toString(plain));
            }
        }
        return marked = made;
    }

    /** Text of {@code ids}, leaving out special tokens (BOS, EOS, chat markup). */
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /** Text of {@code ids}; special tokens are written out unless {@code skipSpecialTokens}. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return decode(ids, 0, ids.length, skipSpecialTokens);
    }

    String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
        long[] wide = new long[to - from];
        for (int i = from; i < to; i++) {
            int id = ids[i];
            if (!vocabulary.contains(id)) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (size "
                        + vocabulary.size() + ")");
            }
            wide[i - from] = id;
        }
        return withOpen(() -> tokenizer.decode(wide, skipSpecialTokens));
    }

    /** Number of token ids (highest id + 1), added tokens included. */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** The id of a token string exactly as it appears in the vocabulary (e.g. {@code <|im_end|>}, {@code </s>}). */
    public OptionalInt tokenId(String token) {
        return vocabulary.id(token);
    }

    /** Whether {@code id} is a special (added) token, such as BOS, EOS or chat markup. */
    public boolean isSpecial(int id) {
        return vocabulary.isSpecial(id);
    }

    boolean isByteFallback(int id) {
        return vocabulary.isByteFallback(id);
    }

    /** Whether {@link #encode} prepends BOS. */
    public boolean addsBos() {
        return addBos;
    }

    /** A streaming detokenizer that leaves out special tokens. */
    public IncrementalDecoder newIncrementalDecoder() {
        return newIncrementalDecoder(true);
    }

    public IncrementalDecoder newIncrementalDecoder(boolean skipSpecialTokens) {
        return new IncrementalDecoder(this, skipSpecialTokens);
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                tokenizer.close();
                synchronized (this) {
                    if (marked != null) {
                        marked.close();
                    }
                }
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private <T> T withOpen(java.util.function.Supplier<T> call) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("tokenizer is closed");
            }
            return call.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }
}
