package dev.titans4j.t2.tokenizer;

import java.util.Arrays;

/**
 * Turns a stream of token ids into text pieces whose concatenation (all {@link #push} results, then
 * {@link #flush()}) equals {@link ModelTokenizer#decode(int[], boolean) decode(allIds)} exactly.
 *
 * <p>Each push decodes a short window that starts one already-emitted chunk back, and emits only what the window
 * adds beyond that chunk. Starting the window on already-emitted tokens keeps context-dependent decoding stable:
 * SentencePiece strips the space of the first token of a sequence only, so decoding a new token on its own would
 * lose its leading space. Text is held back while it may still change:
 * <ul>
 *   <li>after a byte-fallback piece ({@code <0xE4>}), because the following byte pieces decide what the whole run
 *   of bytes decodes to (a character, or one U+FFFD per byte when the run is not valid UTF-8); special tokens that
 *   are skipped do not end a run, as the decoder never sees them;</li>
 *   <li>while the window ends in U+FFFD, which byte-level (GPT-2 style) tokenizers produce for a character whose
 *   bytes are split across tokens.</li>
 * </ul>
 * Held text comes out with the next push that completes it, or with {@link #flush()}.
 *
 * <p>One instance per generation; not thread-safe.
 */
public final class IncrementalDecoder {

    private final ModelTokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private int[] ids = new int[64];
    private int count;
    /** Window start: the first token of the chunk emitted before {@link #readOffset}. */
    private int prefixOffset;
    /** Tokens before this index have been emitted. */
    private int readOffset;
    /** decode(ids[prefixOffset, readOffset)): the part of the window already emitted. */
    private String prefixText = "";
    /** Whether the last token the decoder sees is a byte-fallback piece. */
    private boolean inByteRun;

    IncrementalDecoder(ModelTokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one generated token; returns the text it completes (often empty while a character is unfinished). */
    public String push(int tokenId) {
        if (tokenId < 0 || tokenId >= tokenizer.vocabSize()) {
            throw new IllegalArgumentException("token id " + tokenId + " is outside the vocabulary (size "
                    + tokenizer.vocabSize() + ")");
        }
        if (count == ids.length) {
            ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = tokenId;
        if (!(skipSpecialTokens && tokenizer.isSpecial(tokenId))) {
            inByteRun = tokenizer.isByteFallback(tokenId);
        } // a skipped special token is invisible to the decoder: it does not end a run of byte pieces
        if (inByteRun) {
            return "";
        }
        String window = tokenizer.decode(ids, prefixOffset, count, skipSpecialTokens);
        if (window.endsWith("\uFFFD")) {
            return "";
        }
        return advance(window);
    }

    /** Returns all text still held back (an unfinished character at the end comes out as U+FFFD). */
    public String flush() {
        if (readOffset == count) {
            return "";
        }
        return advance(tokenizer.decode(ids, prefixOffset, count, skipSpecialTokens));
    }

    /** Number of tokens pushed so far. */
    public int tokenCount() {
        return count;
    }

    private String advance(String window) {
        String delta;
        if (window.startsWith(prefixText)) {
            delta = window.substring(prefixText.length());
        } else {
            // A decoder that rewrote already-emitted text; what was emitted cannot be taken back.
            delta = window.substring(commonPrefixLength(window, prefixText));
        }
        String newChunk = tokenizer.decode(ids, readOffset, count, skipSpecialTokens);
        if (!newChunk.isEmpty()) {
            // The next window starts at this chunk; it must carry text so that "first token" rules
            // (leading-space stripping) apply to it and not to the tokens after it.
            prefixOffset = readOffset;
            prefixText = newChunk;
        } else {
            prefixText = window;
        }
        readOffset = count;
        return delta;
    }

    private static int commonPrefixLength(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }
}
