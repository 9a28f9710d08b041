package dev.titans4j.t2.constrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.export.hf.TokenizerJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The decoded bytes of every token id, which special tokens exist (never allowed by a constraint) and which
 * of them end a sequence (allowed exactly when the constrained value is complete). Built once per model;
 * immutable and shareable between requests and threads.
 */
public final class TokenVocabulary {

    private final byte[][] bytes;
    private final BitSet special;
    private final int[] eosTokenIds;
    private final int maxTokenBytes;
    private volatile TokenTrie trie;
    private volatile StringContentIndex stringContent;

    private TokenVocabulary(byte[][] bytes, BitSet special, int[] eosTokenIds) {
        this.bytes = bytes;
        this.special = special;
        for (int eos : eosTokenIds) {
            if (eos < 0 || eos >= bytes.length) {
                throw new IllegalArgumentException("EOS token id " + eos + " outside vocabulary of size " + bytes.length);
            }
        }
        this.eosTokenIds = eosTokenIds.clone();
        int max = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != null && !special.get(i)) {
                max = Math.max(max, bytes[i].length);
            }
        }
        this.maxTokenBytes = max;
    }

    /**
     * A vocabulary from explicit byte strings: {@code tokens.get(id)} is what token {@code id} decodes to, or
     * null for a token that never appears in text; {@code specialIds} are control tokens.
     */
    public static TokenVocabulary of(List<byte[]> tokens, Set<Integer> specialIds, int... eosTokenIds) {
        byte[][] b = new byte[tokens.size()][];
        BitSet special = new BitSet(tokens.size());
        for (int i = 0; i < b.length; i++) {
            b[i] = tokens.get(i) == null ? null : tokens.get(i).clone();
            if (b[i] == null || specialIds.contains(i)) {
                special.set(i);
            }
        }
        for (int id : specialIds) {
            if (id < 0 || id >= b.length) {
                throw new IllegalArgumentException("special token id " + id + " outside vocabulary of size " + b.length);
            }
        }
        return new TokenVocabulary(b, special, eosTokenIds);
    }

    /**
     * Reads a Hugging Face {@code tokenizer.json} (BPE/Unigram, GPT-2 byte-level or SentencePiece style with
     * {@code ▁} and {@code <0xNN>} byte fallback). End-of-sequence ids come from a sibling
     * {@code generation_config.json} or {@code config.json} ({@code eos_token_id}), else from
     * {@code tokenizer_config.json}'s {@code eos_token}; override with {@link #withEosTokenIds(int...)}.
     */
    public static TokenVocabulary fromTokenizerJson(Path tokenizerJson) {
        return read(tokenizerJson, null);
    }

    /**
     * Reads a Hugging Face {@code tokenizer.json} with these end-of-sequence ids (an exported model's manifest has
     * them): no other file is read.
     */
    public static TokenVocabulary fromTokenizerJson(Path tokenizerJson, int... eosTokenIds) {
        return read(tokenizerJson, eosTokenIds.clone());
    }

    private static TokenVocabulary read(Path tokenizerJson, int[] eosTokenIds) {
        try {
            TokenizerJsonReader reader = new TokenizerJsonReader(TokenizerJson.read(tokenizerJson));
            byte[][] bytes = reader.tokenBytes();
            BitSet special = reader.specialTokens();
            TokenVocabulary vocabulary = new TokenVocabulary(bytes, special, eosTokenIds != null ? new int[0]
                    : EosResolver.resolve(tokenizerJson.toAbsolutePath().getParent(), reader));
            return eosTokenIds == null ? vocabulary : vocabulary.withEosTokenIds(eosTokenIds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer file " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    /** The same vocabulary with these end-of-sequence ids instead. */
    public TokenVocabulary withEosTokenIds(int... ids) {
        BitSet s = (BitSet) special.clone();
        for (int id : ids) {
            if (id >= 0 && id < bytes.length) {
                s.set(id);
            }
        }
        return new TokenVocabulary(bytes, s, ids);
    }

    public int size() {
        return bytes.length;
    }

    /** The bytes token {@code id} decodes to (a copy), or null for a token that is not text. */
    public byte[] tokenBytes(int id) {
        checkId(id);
        return bytes[id] == null ? null : bytes[id].clone();
    }

    /** The token's text (UTF-8 decoded, malformed bytes replaced) for messages and tests. */
    public String tokenText(int id) {
        checkId(id);
        return bytes[id] == null ? "<special " + id + ">" : new String(bytes[id], StandardCharsets.UTF_8);
    }

    public boolean isSpecial(int id) {
        checkId(id);
        return special.get(id);
    }

    public boolean isEos(int id) {
        for (int e : eosTokenIds) {
            if (e == id) {
                return true;
            }
        }
        return false;
    }

    public int[] eosTokenIds() {
        return eosTokenIds.clone();
    }

    /** Length in bytes of the longest text token. */
    public int maxTokenBytes() {
        return maxTokenBytes;
    }

    byte[] bytesUnsafe(int id) {
        return special.get(id) ? null : bytes[id];
    }

    TokenTrie trie() {
        TokenTrie t = trie;
        if (t == null) {
            synchronized (this) {
                t = trie;
                if (t == null) {
                    byte[][] text = new byte[bytes.length][];
                    for (int i = 0; i < bytes.length; i++) {
                        text[i] = bytesUnsafe(i);
                    }
                    trie = t = TokenTrie.build(text);
                }
            }
        }
        return t;
    }

    /**
     * Builds the per-vocabulary mask structures now (token byte trie, string-content table: a few hundred ms of
     * CPU for 150k tokens) instead of during the first constrained request. Call once when the model loads.
     */
    public TokenVocabulary prepare() {
        stringContentIndex();
        return this;
    }

    StringContentIndex stringContentIndex() {
        StringContentIndex s = stringContent;
        if (s == null) {
            synchronized (this) {
                s = stringContent;
                if (s == null) {
                    stringContent = s = new StringContentIndex(trie(), bytes.length);
                }
            }
        }
        return s;
    }

    private void checkId(int id) {
        if (id < 0 || id >= bytes.length) {
            throw new IllegalArgumentException("token id " + id + " outside vocabulary of size " + bytes.length);
        }
    }

    @Override
    public String toString() {
        return "TokenVocabulary{size=" + bytes.length + ", special=" + special.cardinality() + ", eos="
                + Arrays.toString(eosTokenIds) + ", maxTokenBytes=" + maxTokenBytes + '}';
    }

    /** Finds end-of-sequence ids in the files beside tokenizer.json. */
    private static final class EosResolver {
        static int[] resolve(Path dir, TokenizerJsonReader reader) throws IOException {
            Set<Integer> ids = new LinkedHashSet<>();
            ObjectMapper json = new ObjectMapper();
            for (String file : List.of("generation_config.json", "config.json")) {
                Path p = dir == null ? null : dir.resolve(file);
                if (p != null && Files.isRegularFile(p)) {
                    JsonNode eos = json.readTree(p.toFile()).path("eos_token_id");
                    if (eos.isInt()) {
                        ids.add(eos.intValue());
                    } else if (eos.isArray()) {
                        eos.forEach(n -> ids.add(n.intValue()));
                    }
                    if (!ids.isEmpty()) {
                        return ids.stream().mapToInt(Integer::intValue).toArray();
                    }
                }
            }
            Path config = dir == null ? null : dir.resolve("tokenizer_config.json");
            if (config != null && Files.isRegularFile(config)) {
                JsonNode eos = json.readTree(config.toFile()).path("eos_token");
                String name = eos.isTextual() ? eos.textValue() : eos.path("content").asText(null);
                Integer id = name == null ? null : reader.idOf(name);
                if (id != null) {
                    return new int[] {id};
                }
            }
            return new int[0];
        }
    }
}
