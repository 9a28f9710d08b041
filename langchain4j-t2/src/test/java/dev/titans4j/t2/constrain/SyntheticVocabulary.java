package dev.titans4j.t2.constrain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Deterministic stand-in for a large byte-level BPE vocabulary (no big tokenizer is available offline): all
 * 256 single bytes, JSON punctuation merges, whitespace/indent runs, numbers, pseudo-English words with and
 * without a leading space, accented/CJK/emoji words, partial UTF-8 fragments and a few long tokens; the last
 * three ids are special ({@code <|endoftext|>} = EOS, {@code <|im_start|>}, {@code <|im_end|>}).
 */
final class SyntheticVocabulary {

    private SyntheticVocabulary() {
    }

    static TokenVocabulary of(int size) {
        Set<String> seen = new LinkedHashSet<>();
        List<byte[]> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(new byte[] {(byte) b});
            seen.add(key(new byte[] {(byte) b}));
        }
        int text = size - 3;
        for (String s : List.of("{\"", "\"}", "\":", "\": ", "\":\"", "\": \"", "\",", "\", \"", "\",\"", "\"},", "},{",
                "[{", "}]", "[\"", "\"]", "{\n", "\n}", ",\n", "[]", "{}", "\\n", "\\\"", "\\\\", "\\u00", "true", "false",
                "null", " true", " false", " null", ".5", "e+", "E-", "-1", "\"\"", "\":[", "\":{", "]}", "}}", "]]")) {
            add(tokens, seen, s.getBytes(StandardCharsets.UTF_8), text);
        }
        for (int n = 1; n <= 64; n++) {
            add(tokens, seen, " ".repeat(n).getBytes(StandardCharsets.UTF_8), text);
            add(tokens, seen, ("\n" + " ".repeat(n)).getBytes(StandardCharsets.UTF_8), text);
        }
        for (int n = 2; n <= 64; n *= 2) {
            add(tokens, seen, "=".repeat(n).getBytes(StandardCharsets.UTF_8), text);
            add(tokens, seen, "-".repeat(n).getBytes(StandardCharsets.UTF_8), text);
            add(tokens, seen, "\t".repeat(n).getBytes(StandardCharsets.UTF_8), text);
        }
        for (int n = 0; n < 1000; n++) {
            add(tokens, seen, Integer.toString(n).getBytes(StandardCharsets.UTF_8), text);
            add(tokens, seen, (" " + n).getBytes(StandardCharsets.UTF_8), text);
        }
        Random r = new Random(size);
        String[] onsets = {"", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
            "st", "tr", "ch", "sh", "th", "pl", "gr", "br", "qu"};
        String[] vowels = {"a", "e", "i", "o", "u", "y", "ea", "ou", "ai", "é", "ö"};
        String[] codas = {"", "", "n", "r", "s", "t", "l", "ng", "ck", "st", "rd"};
        String[] cjk = {"中", "文", "字", "语", "言", "模", "型", "日", "本", "한", "국", "😀", "🚀", "✓", "€"};
        while (tokens.size() < text) {
            int kind = r.nextInt(20);
            String word;
            if (kind == 0) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1 + r.nextInt(3); i > 0; i--) {
                    sb.append(cjk[r.nextInt(cjk.length)]);
                }
                word = sb.toString();
            } else if (kind == 1) { // a partial UTF-8 fragment, as byte-level BPE vocabularies contain
                byte[] full = cjk[r.nextInt(cjk.length)].getBytes(StandardCharsets.UTF_8);
                byte[] part = java.util.Arrays.copyOf(full, 1 + r.nextInt(full.length - 1));
                add(tokens, seen, part, text);
                continue;
            } else {
                StringBuilder sb = new StringBuilder();
                for (int i = 1 + r.nextInt(4); i > 0; i--) {
                    sb.append(onsets[r.nextInt(onsets.length)]).append(vowels[r.nextInt(vowels.length)])
                            .append(codas[r.nextInt(codas.length)]);
                }
                word = sb.toString();
                if (r.nextInt(4) == 0) {
                    word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                }
                if (r.nextInt(10) == 0) {
                    word = word + ".,;:!?\"')".charAt(r.nextInt(9));
                }
            }
            if (r.nextBoolean()) {
                word = " " + word;
            }
            add(tokens, seen, word.getBytes(StandardCharsets.UTF_8), text);
        }
        for (String special : List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>")) {
            tokens.add(special.getBytes(StandardCharsets.UTF_8));
        }
        return TokenVocabulary.of(tokens, Set.of(text, text + 1, text + 2), text);
    }

    private static void add(List<byte[]> tokens, Set<String> seen, byte[] b, int limit) {
        if (tokens.size() < limit && seen.add(key(b))) {
            tokens.add(b);
        }
    }

    private static String key(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
