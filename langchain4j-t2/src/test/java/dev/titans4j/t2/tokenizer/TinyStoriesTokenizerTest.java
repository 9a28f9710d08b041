package dev.titans4j.t2.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.testing.SharedData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TinyStories-656K's tokenizer: byte-fallback BPE with a {@code Prepend ▁} normalizer (and spaces replaced by
 * {@code ▁}), no pre-tokenizer, so merges cross spaces ({@code red▁ball} is one token), and a decoder that strips
 * the one space the normalizer put in front. Text must survive encode then decode unchanged.
 *
 * <p>Its vocabulary has no {@code <0xNN>} byte tokens (byte_fallback is on, but there is nothing to fall back to),
 * so a character outside it (a tab, {@code {}, {@code é}) becomes {@code <unk>}, as in the tokenizers library.
 */
class TinyStoriesTokenizerTest {

    private static final List<String> TEXTS = List.of(
            "Lily and Ben",
            "The little dog",
            "Tom has a red ball.",
            "two  spaces,   three and a new\nline",
            " a leading space and a trailing one ",
            "Once upon a time, there was a girl named Lily. She loved her red ball!");

    private static Path tokenizerJson() {
        return SharedData.require("models/TinyStories-656K").resolve("tokenizer.json");
    }

    @Test
    void decodeOfEncodeIsTheText() {
        try (ModelTokenizer tok = ModelTokenizer.load(tokenizerJson(), true, 1)) {
            for (String text : TEXTS) {
                int[] ids = tok.encode(text);
                assertThat(ids[0]).as("BOS").isEqualTo(1);
                assertThat(tok.decode(ids)).as(text).isEqualTo(text);
            }
        }
    }

    @Test
    void aCharacterOutsideTheVocabularyIsUnknown() {
        try (ModelTokenizer tok = ModelTokenizer.load(tokenizerJson(), true, 1)) {
            assertThat(tok.encodeRaw("a\tb")).contains(0);
            assertThat(tok.decode(tok.encode("a\tb"))).isEqualTo("ab");
        }
    }

    @Test
    void mergesCrossSpaces() {
        try (ModelTokenizer tok = ModelTokenizer.load(tokenizerJson(), true, 1)) {
            int redBall = tok.tokenId("red\u2581ball").orElseThrow();
            assertThat(tok.encodeRaw("red ball")).contains(redBall);
            assertThat(tok.encodeRaw("She has a red ball")).contains(redBall);
            assertThat(tok.decode(new int[] {redBall})).isEqualTo("red ball");
        }
    }
}
