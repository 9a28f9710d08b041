package dev.titans4j.t2.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.titans4j.export.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed pieces concatenate to exactly what a one-shot decode of all ids gives. */
class IncrementalDecoderTest {

    private static final String[] SAMPLES = {
        "Once upon a time, there was a little girl named Lily.",
        "Grüße aus Köln — naïve café",
        "你好，世界！今天天气很好。",
        "Emoji: 😀🎉👍🏽 and a family 👨‍👩‍👧 done.",
        "  leading spaces, trailing spaces  ",
        "\nnew\n\nlines\ttabs\n",
        "mixed 日本語 text with ümlauts and 🚀 rockets",
        " ",
        "a",
        "",
    };

    @TempDir
    Path tmp;

    @Test
    void referenceGenerationStreamsToTheReferenceText() throws IOException {
        JsonNode ref = TokenizerFixtures.JSON.readTree(
                SharedData.require("models/stories260K/reference_outputs.json").toFile()).get("once_upon_a_time");
        int[] generated = ModelTokenizerTest.ints(ref.get("generated_ids"));
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.stories(), true, 1)) {
            List<String> pieces = stream(tok, generated);
            assertThat(String.join("", pieces)).isEqualTo(tok.decode(generated));
            // llama2.c prints the continuation after the prompt the same way: strip the echoed prompt and "\n".
            String text = ref.get("text").asText();
            assertThat(String.join("", pieces)).isEqualTo(text.substring("Once upon a time".length(), text.length() - 1));
            assertThat(pieces.get(0)).isEqualTo(",");
            assertThat(pieces.get(1)).isEqualTo(" there");
        }
    }

    @Test
    void multiByteCharactersSplitAcrossByteFallbackPiecesComeOutWhole() {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.stories(), false, null)) {
            for (String sample : SAMPLES) {
                int[] ids = tok.encodeRaw(sample);
                List<String> pieces = stream(tok, ids);
                assertThat(String.join("", pieces)).as(sample).isEqualTo(tok.decode(ids));
                for (String piece : pieces) {
                    assertThat(piece).as("piece of " + sample).doesNotContain("\uFFFD");
                    assertWholeCodePoints(piece);
                }
            }
            int[] emoji = tok.encodeRaw("😀");
            IncrementalDecoder decoder = tok.newIncrementalDecoder();
            StringBuilder seen = new StringBuilder();
            for (int id : emoji) {
                seen.append(decoder.push(id));
            }
            seen.append(decoder.flush());
            assertThat(seen.toString()).isEqualTo(tok.decode(emoji));
        }
    }

    @Test
    void sentencePieceLeadingSpaceSurvivesStreaming() {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.stories(), false, null)) {
            int[] ids = tok.encodeRaw("Lily saw a big dog");
            List<String> pieces = stream(tok, ids);
            assertThat(pieces).contains(" saw", " a", " big");
            assertThat(String.join("", pieces)).isEqualTo("Lily saw a big dog");
        }
    }

    /** Any id sequence, including invalid UTF-8 byte runs and special tokens, streams to decode(ids). */
    @Test
    void randomIdSequencesOfTheByteFallbackTokenizer() {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.stories(), false, null)) {
            Random random = new Random(7);
            for (int trial = 0; trial < 300; trial++) {
                int[] ids = randomIds(random, tok.vocabSize(), 3, 259);
                for (boolean skip : new boolean[] {true, false}) {
                    List<String> pieces = stream(tok.newIncrementalDecoder(skip), ids);
                    assertThat(String.join("", pieces)).as("ids %s skip %s", java.util.Arrays.toString(ids), skip)
                            .isEqualTo(tok.decode(ids, skip));
                }
            }
        }
    }

    @Test
    void metaspaceDecoderStripsOnlyTheFirstSpace() throws IOException {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.storiesWithMetaspace(tmp), false, null)) {
            int[] ids = tok.encodeRaw("Lily saw a big dog");
            assertThat(tok.decode(ids)).isEqualTo("Lily saw a big dog");
            assertThat(String.join("", stream(tok, ids))).isEqualTo("Lily saw a big dog");
            for (String sample : SAMPLES) {
                int[] sampleIds = tok.encodeRaw(sample);
                assertThat(String.join("", stream(tok, sampleIds))).as(sample).isEqualTo(tok.decode(sampleIds));
            }
            Random random = new Random(13);
            for (int trial = 0; trial < 200; trial++) {
                int[] randomIds = randomIds(random, tok.vocabSize(), 3, 259);
                assertThat(String.join("", stream(tok, randomIds))).isEqualTo(tok.decode(randomIds));
            }
        }
    }

    @Test
    void byteLevelTokenizerHoldsBackSplitCharacters() throws IOException {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.byteLevel(tmp), false, null)) {
            int[] hello = tok.encodeRaw("hello hello");
            assertThat(hello).hasSize(2); // "hello", " hello" are merged tokens
            for (String sample : SAMPLES) {
                int[] ids = tok.encodeRaw(sample);
                assertThat(tok.decode(ids)).isEqualTo(sample);
                List<String> pieces = stream(tok, ids);
                assertThat(String.join("", pieces)).as(sample).isEqualTo(sample);
                pieces.forEach(p -> assertThat(p).doesNotContain("\uFFFD"));
                pieces.forEach(IncrementalDecoderTest::assertWholeCodePoints);
            }
            Random random = new Random(11);
            for (int trial = 0; trial < 300; trial++) {
                int[] ids = randomIds(random, tok.vocabSize(), 0x80, 0x100);
                List<String> pieces = stream(tok, ids);
                assertThat(String.join("", pieces)).as(java.util.Arrays.toString(ids)).isEqualTo(tok.decode(ids));
            }
        }
    }

    @Test
    void chatMarkupIsSkippedOrKeptAsAsked() throws IOException {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.storiesWithChatMl(tmp), false, null)) {
            int[] ids = tok.encodeRaw("Hi there<|im_end|> and more");
            assertThat(String.join("", stream(tok.newIncrementalDecoder(true), ids))).isEqualTo(tok.decode(ids, true));
            assertThat(String.join("", stream(tok.newIncrementalDecoder(false), ids)))
                    .isEqualTo(tok.decode(ids, false)).contains("<|im_end|>");
        }
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.stories(), false, null)) {
            IncrementalDecoder decoder = tok.newIncrementalDecoder();
            assertThatThrownBy(() -> decoder.push(512)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("512");
            assertThatThrownBy(() -> decoder.push(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(decoder.flush()).isEmpty();
        }
    }

    /** Random ids, biased towards byte pieces [byteFrom, byteTo) so multi-byte runs (valid or not) are common. */
    private static int[] randomIds(Random random, int vocab, int byteFrom, int byteTo) {
        int[] ids = new int[1 + random.nextInt(30)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(3) == 0 ? random.nextInt(vocab) : byteFrom + random.nextInt(byteTo - byteFrom);
        }
        return ids;
    }

    private static List<String> stream(ModelTokenizer tok, int[] ids) {
        return stream(tok.newIncrementalDecoder(), ids);
    }

    private static List<String> stream(IncrementalDecoder decoder, int[] ids) {
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            String piece = decoder.push(id);
            if (!piece.isEmpty()) {
                pieces.add(piece);
            }
        }
        String rest = decoder.flush();
        if (!rest.isEmpty()) {
            pieces.add(rest);
        }
        assertThat(decoder.tokenCount()).isEqualTo(ids.length);
        return pieces;
    }

    private static void assertWholeCodePoints(String piece) {
        assertThat(Character.isLowSurrogate(piece.charAt(0))).as("piece starts inside a character").isFalse();
        assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).as("piece ends inside a character")
                .isFalse();
    }
}
