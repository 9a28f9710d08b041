package dev.titans4j.t2.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.titans4j.export.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Tokenizers for tests: the real stories260K one, and small variants written into a temporary folder. */
final class TokenizerFixtures {

    static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerFixtures() {
    }

    static Path stories() {
        return SharedData.require("models/stories260K/tokenizer.json");
    }

    /** stories260K's tokenizer plus ChatML specials {@code <|im_start|>} = 512 and {@code <|im_end|>} = 513. */
    static Path storiesWithChatMl(Path dir) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(stories().toFile());
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        added.add(addedToken(512, "<|im_start|>"));
        added.add(addedToken(513, "<|im_end|>"));
        Path out = dir.resolve("chatml-tokenizer.json");
        JSON.writeValue(out.toFile(), root);
        return out;
    }

    /**
     * stories260K's vocabulary with the newer SentencePiece pipeline ("legacy": false conversions): a Metaspace
     * pre-tokenizer that prepends "▁" to the first word only, and a decoder whose Metaspace step turns "▁" back
     * into spaces, except in the first token of what it decodes (so that token loses its leading space).
     */
    static Path storiesWithMetaspace(Path dir) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(stories().toFile());
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Metaspace").put("replacement", "\u2581").put("prepend_scheme", "first").put("split", false);
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Sequence");
        ArrayNode steps = decoder.putArray("decoders");
        steps.addObject().put("type", "ByteFallback");
        steps.addObject().put("type", "Metaspace").put("replacement", "\u2581").put("prepend_scheme", "first")
                .put("split", false);
        Path out = dir.resolve("metaspace-tokenizer.json");
        JSON.writeValue(out.toFile(), root);
        return out;
    }

    private static ObjectNode addedToken(int id, String content) {
        ObjectNode t = JSON.createObjectNode();
        t.put("id", id).put("content", content).put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true);
        return t;
    }

    /**
     * A GPT-2 style byte-level BPE (as Qwen2 and Llama 3 use): one token per byte plus a few merges, so a
     * multi-byte character is split across tokens and a word like " hello" is a single token.
     */
    static Path byteLevel(Path dir) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        root.putNull("normalizer");
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout").putNull("unk_token").putNull("continuing_subword_prefix")
                .putNull("end_of_word_suffix").put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        List<String> byteChars = byteLevelAlphabet();
        for (int b = 0; b < 256; b++) {
            vocab.put(byteChars.get(b), b);
        }
        String space = byteChars.get(' ');
        String[][] merges = {{"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o"}, {space, "hello"}};
        ArrayNode mergeList = model.putArray("merges");
        int id = 256;
        for (String[] m : merges) {
            mergeList.add(m[0] + " " + m[1]);
            vocab.put(m[0] + m[1], id++);
        }
        added.add(addedToken(id, "<|endoftext|>"));
        added.add(addedToken(id + 1, "<|im_start|>"));
        added.add(addedToken(id + 2, "<|im_end|>"));
        Path out = dir.resolve("byte-level-tokenizer.json");
        JSON.writeValue(out.toFile(), root);
        return out;
    }

    /** GPT-2's reversible byte-to-character table: printable bytes map to themselves, the rest to U+0100 on. */
    static List<String> byteLevelAlphabet() {
        List<String> chars = new ArrayList<>();
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            chars.add(String.valueOf((char) (printable ? b : next++)));
        }
        return chars;
    }
}
