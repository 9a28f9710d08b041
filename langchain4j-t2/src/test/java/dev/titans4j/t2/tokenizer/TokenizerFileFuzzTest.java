package dev.titans4j.t2.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged {@code tokenizer.json} (the real stories260K one truncated along its length, bytes flipped, impossible token
 * ids) fails to load with one IllegalArgumentException naming the file, never an IndexOutOfBounds, a
 * NullPointerException or an OutOfMemoryError from reading the vocabulary.
 */
class TokenizerFileFuzzTest {

    @TempDir
    Path dir;

    private void loadsOrFailsNamingTheFile(Path file, String what) {
        try {
            ModelTokenizer.load(file, false, null).close();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as(what).contains(file.toString());
        } catch (Throwable t) {
            throw new AssertionError(what + ": " + t, t);
        }
    }

    @Test
    void a_truncated_tokenizer_fails_naming_the_file() throws IOException {
        byte[] json = Files.readAllBytes(TokenizerFixtures.stories());
        Path file = dir.resolve("tokenizer.json");
        for (int n = 0; n < json.length; n += n < json.length - 64 ? 37 : 1) { // every end of the file
            Files.write(file, Arrays.copyOf(json, n));
            loadsOrFailsNamingTheFile(file, "truncated at " + n);
        }
    }

    @Test
    void a_tokenizer_with_damaged_bytes_loads_or_fails_naming_the_file() throws IOException {
        byte[] json = Files.readAllBytes(TokenizerFixtures.stories());
        Path file = dir.resolve("tokenizer.json");
        int[] masks = {0x01, 0x02, 0x04, 0x10, 0x40};
        for (int i = 0; i < json.length; i += 53) {
            byte[] damaged = json.clone();
            damaged[i] ^= (byte) masks[(i / 53) % masks.length];
            Files.write(file, damaged);
            loadsOrFailsNamingTheFile(file, "byte " + i);
        }
    }

    private Path edited(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) TokenizerFixtures.JSON.readTree(TokenizerFixtures.stories().toFile());
        edit.accept(root);
        Path file = dir.resolve("edited-tokenizer.json");
        TokenizerFixtures.JSON.writeValue(file.toFile(), root);
        return file;
    }

    private static ObjectNode vocab(ObjectNode root) {
        return (ObjectNode) root.get("model").get("vocab");
    }

    @Test
    void impossible_token_ids_fail_naming_the_file_and_the_token() throws IOException {
        Path negative = edited(root -> vocab(root).put("▁once", -3));
        assertThatThrownBy(() -> ModelTokenizer.load(negative, false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(negative.toString())
                .hasMessageContaining("-3");
        Path huge = edited(root -> vocab(root).put("▁once", Integer.MAX_VALUE - 1));
        assertThatThrownBy(() -> ModelTokenizer.load(huge, false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(huge.toString())
                .hasMessageContaining(Integer.toString(Integer.MAX_VALUE - 1));
        Path text = edited(root -> vocab(root).put("▁once", "seven"));
        assertThatThrownBy(() -> ModelTokenizer.load(text, false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(text.toString())
                .hasMessageContaining("seven");
        Path addedNegative = edited(root -> ((ObjectNode) root.get("added_tokens").get(0)).put("id", -1));
        assertThatThrownBy(() -> ModelTokenizer.load(addedNegative, false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(addedNegative.toString())
                .hasMessageContaining("-1");
        Path addedWithoutId = edited(root -> ((ObjectNode) root.get("added_tokens").get(0)).remove("id"));
        assertThatThrownBy(() -> ModelTokenizer.load(addedWithoutId, false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(addedWithoutId.toString());
    }

    @Test
    void a_unigram_entry_that_is_not_a_pair_fails_naming_the_file() throws IOException {
        Path file = edited(root -> {
            ObjectNode model = (ObjectNode) root.get("model");
            ArrayNode pieces = model.putArray("vocab");
            pieces.addArray().add("<unk>").add(0.0);
            pieces.add("not a pair");
            model.put("type", "Unigram");
        });
        assertThatThrownBy(() -> ModelTokenizer.load(file, false, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("model.vocab");
    }
}
