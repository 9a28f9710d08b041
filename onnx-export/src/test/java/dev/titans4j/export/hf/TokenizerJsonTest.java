package dev.titans4j.export.hf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsABpeVocabularyWithItsAddedTokensAndSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, """
                {"model": {"type": "BPE", "byte_fallback": true, "vocab": {"a": 0, "b": 1, "<0x0A>": 3}},
                 "added_tokens": [{"id": 5, "content": "<|im_end|>", "special": true},
                                  {"id": 4, "content": "extra"}],
                 "decoder": {"type": "ByteFallback"}, "pre_tokenizer": {"type": "Metaspace"}}
                """);
        TokenizerJson t = TokenizerJson.read(file);
        assertThat(t.pieces()).containsExactly(java.util.Map.entry(0, "a"), java.util.Map.entry(1, "b"),
                java.util.Map.entry(3, "<0x0A>"));
        assertThat(t.addedTokens()).containsExactly(new TokenizerJson.AddedToken(5, "<|im_end|>", true),
                new TokenizerJson.AddedToken(4, "extra", false));
        assertThat(t.size()).isEqualTo(6);
        assertThat(t.unigram()).isFalse();
        assertThat(t.byteFallback()).isTrue();
        assertThat(t.decoder().path("type").asText()).isEqualTo("ByteFallback");
        assertThat(t.preTokenizer().path("type").asText()).isEqualTo("Metaspace");
    }

    @Test
    void aUnigramVocabularyNumbersItsPiecesByPosition() throws Exception {
        TokenizerJson t = TokenizerJson.parse(JSON.readTree("""
                {"model": {"type": "Unigram", "vocab": [["<unk>", 0.0], ["x", -1.5]]}}"""), "t.json");
        assertThat(t.pieces()).containsExactly(java.util.Map.entry(0, "<unk>"), java.util.Map.entry(1, "x"));
        assertThat(t.unigram()).isTrue();
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.byteFallback()).isFalse();
        assertThat(t.decoder().isMissingNode()).isTrue();
    }

    @Test
    void impossibleIdsAndShapesAreOneLineNamingTheSource() throws Exception {
        assertThatThrownBy(() -> TokenizerJson.parse(JSON.readTree("{\"model\": {\"vocab\": {\"a\": -1}}}"), "t.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("t.json: 'model.vocab' token 'a' has id -1, not a whole number from 0 to 16777215");
        assertThatThrownBy(() -> TokenizerJson.parse(JSON.readTree(
                "{\"model\": {\"vocab\": {}}, \"added_tokens\": [{\"id\": 2147483647, \"content\": \"z\"}]}"), "t.json"))
                .hasMessage("t.json: 'added_tokens' token 'z' has id 2147483647, not a whole number from 0 to 16777215");
        assertThatThrownBy(() -> TokenizerJson.parse(JSON.readTree("{\"model\": {\"vocab\": [[\"a\", 0], 7]}}"), "t.json"))
                .hasMessage("t.json: 'model.vocab' entry 1 is 7, not a [\"piece\", score] pair");
        assertThatThrownBy(() -> TokenizerJson.parse(JSON.readTree("{\"model\": {\"vocab\": 3}}"), "t.json"))
                .hasMessage("t.json: 'model.vocab' is missing; not a Hugging Face tokenizer.json");
        assertThatThrownBy(() -> TokenizerJson.parse(JSON.readTree("[]"), "t.json"))
                .hasMessage("t.json: 'model' is missing; not a Hugging Face tokenizer.json");
    }

    @Test
    void aFileThatIsNotJsonIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": ");
        assertThatThrownBy(() -> TokenizerJson.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": not valid JSON");
    }
}
