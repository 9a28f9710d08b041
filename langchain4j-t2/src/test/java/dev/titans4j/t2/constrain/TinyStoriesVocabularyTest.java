package dev.titans4j.t2.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.titans4j.export.testing.SharedData;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The constrained decoder's token bytes for TinyStories-656K (no Metaspace: {@code ▁} comes from a {@code Prepend}
 * normalizer and a {@code Replace} decoder; merges cross spaces; byte fallback): the bytes of the tokens of an
 * encoded text concatenate to the text's bytes with the one space the normalizer puts in front. (Its vocabulary has
 * no {@code <0xNN>} byte tokens, so only text made of its characters encodes without {@code <unk>}.)
 */
class TinyStoriesVocabularyTest {

    private static Path tokenizerJson() {
        return SharedData.require("models/TinyStories-656K").resolve("tokenizer.json");
    }

    @Test
    void tokenBytesConcatenateToTheNormalizedText() {
        Path json = tokenizerJson();
        TokenVocabulary vocabulary = TokenVocabulary.fromTokenizerJson(json);
        assertThat(vocabulary.size()).isEqualTo(2048);
        assertThat(vocabulary.eosTokenIds()).containsExactly(2);
        try (ModelTokenizer tokenizer = ModelTokenizer.load(json, false, null)) {
            for (String text : List.of("Lily and Ben", "Tom has a red ball.", "two  spaces,   then a new\nline",
                    "\"name\": \"Lily\", \"age\": 3", " leading and trailing ")) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (int id : tokenizer.encodeRaw(text)) {
                    assertThat(vocabulary.isSpecial(id)).as("token %d of %s", id, text).isFalse();
                    bytes.writeBytes(vocabulary.tokenBytes(id));
                }
                assertThat(bytes.toByteArray()).as(text)
                        .isEqualTo((" " + text).getBytes(StandardCharsets.UTF_8));
            }
            int redBall = tokenizer.tokenId("red\u2581ball").orElseThrow();
            assertThat(vocabulary.tokenText(redBall)).isEqualTo("red ball");
        }
        assertThat(vocabulary.isSpecial(0)).isTrue();
        assertThat(vocabulary.isSpecial(1)).isTrue();
        assertThat(vocabulary.isSpecial(2)).isTrue();
    }
}
