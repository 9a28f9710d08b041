package dev.titans4j.t2.constrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.titans4j.export.testing.SharedData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVocabularyTest {

    @Test
    void storiesSentencePieceVocabularyDecodesMetaspaceAndByteFallback() {
        TokenVocabulary v = TokenVocabulary.fromTokenizerJson(
                SharedData.require("models/stories260K").resolve("tokenizer.json"));
        assertThat(v.size()).isEqualTo(512);
        assertThat(v.eosTokenIds()).containsExactly(2); // from generation_config.json
        assertThat(v.isSpecial(0)).isTrue();
        assertThat(v.isSpecial(1)).isTrue();
        assertThat(v.isSpecial(2)).isTrue();
        assertThat(v.tokenBytes(3)).containsExactly(0x00);          // <0x00>
        assertThat(v.tokenBytes(3 + 0x41)).containsExactly('A');    // <0x41>
        assertThat(v.tokenBytes(3 + 0xE2)).containsExactly(0xE2);   // <0xE2>, half a character
        assertThat(v.tokenText(265)).isEqualTo(" the");             // ▁the
        assertThat(v.tokenText(260)).isEqualTo("he");
        assertThat(v.isSpecial(265)).isFalse();
    }

    @Test
    void byteLevelVocabularyWithAddedTokens(@TempDir Path dir) throws Exception {
        String json = """
                {"added_tokens":[
                  {"id":5,"content":"<|im_end|>","special":true},
                  {"id":6,"content":"<tool_call>","special":false}],
                 "decoder":{"type":"ByteLevel"},
                 "model":{"type":"BPE","vocab":{"\u0120hello":0,"\u010a":1,"{\\"":2,"\u00c3\u00a9":3,"\u00e4\u00b8":4}}}
                """;
        Files.writeString(dir.resolve("tokenizer.json"), json, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("config.json"), "{\"eos_token_id\": [5]}");
        TokenVocabulary v = TokenVocabulary.fromTokenizerJson(dir.resolve("tokenizer.json"));
        assertThat(v.tokenText(0)).isEqualTo(" hello");
        assertThat(v.tokenText(1)).isEqualTo("\n");
        assertThat(v.tokenText(2)).isEqualTo("{\"");
        assertThat(v.tokenText(3)).isEqualTo("é");
        assertThat(v.tokenBytes(4)).containsExactly(0xE4, 0xB8); // first two bytes of a CJK character
        assertThat(v.isSpecial(5)).isTrue();
        assertThat(v.eosTokenIds()).containsExactly(5);
        assertThat(v.isSpecial(6)).isFalse();
        assertThat(v.tokenText(6)).isEqualTo("<tool_call>");
    }

    @Test
    void eosFromTokenizerConfigName(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"added_tokens":[{"id":2,"content":"</s>","special":true}],
                 "model":{"type":"BPE","vocab":{"a":0,"b":1,"</s>":2}}}""");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"</s>\"}}");
        assertThat(TokenVocabulary.fromTokenizerJson(dir.resolve("tokenizer.json")).eosTokenIds()).containsExactly(2);
    }

    @Test
    void badInputFailsClearly(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {}}");
        assertThatThrownBy(() -> TokenVocabulary.fromTokenizerJson(dir.resolve("tokenizer.json")))
                .hasMessageContaining("'model.vocab' is missing");
        assertThatThrownBy(() -> TokenVocabulary.fromTokenizerJson(dir.resolve("missing.json")))
                .hasMessageContaining("cannot read tokenizer file");
        assertThatThrownBy(() -> GrammarTest.BYTES.withEosTokenIds(999)).hasMessageContaining("outside vocabulary");
    }

    /** Ids size and index the byte table: each is checked first, and the error names the file. */
    @Test
    void impossibleTokenIdsFailNamingTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        for (String json : new String[] {
            "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":-2}}}",
            "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":2147483646}}}",
            "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":\"one\"}}}",
            "{\"added_tokens\":[{\"id\":-1,\"content\":\"</s>\"}],\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0}}}",
            "{\"added_tokens\":[{\"content\":\"</s>\"}],\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0}}}",
            "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\",0.0],7]}}"}) {
            Files.writeString(file, json);
            assertThatThrownBy(() -> TokenVocabulary.fromTokenizerJson(file, 0)).as(json)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString());
        }
    }
}
