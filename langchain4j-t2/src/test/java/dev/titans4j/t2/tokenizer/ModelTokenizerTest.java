package dev.titans4j.t2.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.titans4j.export.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTokenizerTest {

    @TempDir
    Path tmp;

    /** Reference: llama2.c's own encoder/decoder (run.c) produced prompt_ids and text in reference_outputs.json. */
    @Test
    void matchesLlama2cReferenceEncodingAndDecoding() throws IOException {
        JsonNode ref = TokenizerFixtures.JSON.readTree(
                SharedData.require("models/stories260K/reference_outputs.json").toFile()).get("once_upon_a_time");
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.stories(), true, 1)) {
            assertThat(tok.encode(ref.get("prompt").asText())).containsExactly(ints(ref.get("prompt_ids")));
            int[] all = concat(ints(ref.get("prompt_ids")), ints(ref.get("generated_ids")));
            String expected = ref.get("text").asText();
            assertThat(tok.decode(all)).isEqualTo(expected.substring(0, expected.length() - 1)); // run.c adds \n
        }
    }

    @Test
    void bosIsOursAndExplicit() {
        try (ModelTokenizer withBos = ModelTokenizer.load(TokenizerFixtures.stories(), true, 1);
             ModelTokenizer withoutBos = ModelTokenizer.load(TokenizerFixtures.stories(), false, null)) {
            assertThat(withBos.encode("Once upon a time")).containsExactly(1, 403, 407, 261, 378);
            assertThat(withBos.encodeRaw("Once upon a time")).containsExactly(403, 407, 261, 378);
            assertThat(withoutBos.encode("Once upon a time")).containsExactly(403, 407, 261, 378);
            assertThat(withBos.encode("")).containsExactly(1);
            assertThat(withBos.addsBos()).isTrue();
        }
    }

    @Test
    void specialTokenStringsMapToTheirIds() throws IOException {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.storiesWithChatMl(tmp), false, null)) {
            int[] ids = tok.encodeRaw("<|im_start|>user\nHi<|im_end|>");
            assertThat(ids[0]).isEqualTo(512);
            assertThat(ids[ids.length - 1]).isEqualTo(513);
            assertThat(ids).containsOnlyOnce(512, 513);
            assertThat(tok.tokenId("<|im_end|>")).hasValue(513);
            assertThat(tok.tokenId("</s>")).hasValue(2);
            assertThat(tok.tokenId("no such token")).isEmpty();
            assertThat(tok.vocabSize()).isEqualTo(514);
            assertThat(tok.isSpecial(513)).isTrue();
            assertThat(tok.isSpecial(403)).isFalse();
            assertThat(tok.decode(ids, false)).startsWith("<|im_start|>").endsWith("<|im_end|>");
            assertThat(tok.decode(ids, true)).doesNotContain("<|im_start|>", "<|im_end|>").contains("Hi");
        }
    }

    @Test
    void byteFallbackRoundTripsTextOutsideTheVocabulary() {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.stories(), false, null)) {
            String text = "Grüße 你好 😀 naïve";
            int[] ids = tok.encodeRaw(text);
            assertThat(ids).contains(0xE4 + 3); // byte piece <0xE4> (id = byte + 3) for the CJK lead byte
            assertThat(tok.decode(ids)).isEqualTo(text);
            assertThat(tok.vocabSize()).isEqualTo(512);
        }
    }

    @Test
    void longTextIsNotTruncated() {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.stories(), false, null)) {
            String text = "the cat sat on the mat. ".repeat(400);
            int[] ids = tok.encodeRaw(text);
            assertThat(ids.length).isGreaterThan(2000);
            assertThat(tok.decode(ids)).isEqualTo(text.stripTrailing() + " ".repeat(text.length() - text.stripTrailing().length()));
        }
    }

    @Test
    void concurrentUseGivesTheSameResults() throws Exception {
        try (ModelTokenizer tok = ModelTokenizer.load(TokenizerFixtures.stories(), true, 1)) {
            List<String> texts = IntStream.range(0, 64).mapToObj(i -> "Lily saw " + i + " dogs and a big tree.").toList();
            List<int[]> expected = texts.stream().map(tok::encode).toList();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<int[]>> results = new ArrayList<>();
                for (String t : texts) {
                    results.add(pool.submit(() -> tok.encode(tok.decode(tok.encode(t)))));
                }
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(results.get(i).get()).containsExactly(expected.get(i));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void badInputGetsClearErrors() throws IOException {
        assertThatThrownBy(() -> ModelTokenizer.load(tmp.resolve("missing.json"), false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not found");
        Path notJson = Files.writeString(tmp.resolve("bad.json"), "{ nope");
        assertThatThrownBy(() -> ModelTokenizer.load(notJson, false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        Path stories = TokenizerFixtures.stories(); // outside the assertions, so absent shared data skips
        assertThatThrownBy(() -> ModelTokenizer.load(stories, true, null))
                .hasMessageContaining("no BOS token id");
        assertThatThrownBy(() -> ModelTokenizer.load(stories, true, 9999))
                .hasMessageContaining("9999");
        ModelTokenizer tok = ModelTokenizer.load(stories, false, null);
        assertThatThrownBy(() -> tok.decode(new int[] {5, 512})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("512");
        tok.close();
        assertThatThrownBy(() -> tok.encode("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
