package dev.titans4j.t2.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token-to-id lookup built from a tokenizer.json. */
class TokenizerVocabularyTest {

    /** Hugging Face's tokenizers look up every piece of a BPE vocabulary, also when two pieces share an id. */
    @Test
    void every_piece_of_a_shared_id_is_found(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\":"
                + " {\"a\": 0, \"b\": 1, \"B\": 1}, \"merges\": []}, \"added_tokens\": []}");

        TokenizerVocabulary vocabulary = TokenizerVocabulary.read(file);

        assertThat(vocabulary.id("a")).hasValue(0);
        assertThat(vocabulary.id("b")).hasValue(1);
        assertThat(vocabulary.id("B")).hasValue(1);
        assertThat(vocabulary.size()).isEqualTo(2);
    }

    /** An added token that takes the id of a vocabulary piece is that id's token, as in Hugging Face's id-to-token. */
    @Test
    void an_added_special_token_sharing_an_id_with_a_piece_is_the_special_string(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\":"
                + " {\"a\": 0, \"~\": 1}, \"merges\": []}, \"added_tokens\": [{\"id\": 1, \"content\": \"<|end|>\","
                + " \"special\": true}]}");

        TokenizerVocabulary vocabulary = TokenizerVocabulary.read(file);

        assertThat(vocabulary.specialTokens()).containsExactly(java.util.Map.entry("<|end|>", 1));
        assertThat(vocabulary.id("~")).hasValue(1);
    }
}
