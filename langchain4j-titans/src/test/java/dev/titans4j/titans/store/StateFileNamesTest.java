package dev.titans4j.titans.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StateFileNamesTest {

    @Test
    void namesAreAReadablePrefixPlusTheHexOfTheId() {
        assertThat(StateFileNames.baseName("../x")).isEqualTo("_x~x2e2e2f78");
        assertThat(StateFileNames.baseName("User-42")).isEqualTo("user-42~x557365722d3432");
        assertThat(StateFileNames.baseName("é")).isEqualTo("_~xc3a9");
    }

    @Test
    void longIdsUseAHashAndAreNotReversible() {
        String id = "y".repeat(97);
        String base = StateFileNames.baseName(id);

        assertThat(base).isEqualTo("y".repeat(24) + "~s" + java.util.HexFormat.of().formatHex(sha256(id)));
        assertThat(StateFileNames.reversibleId(base)).isEmpty();
        assertThat(StateFileNames.looksLikeBaseName(base)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("dev.titans4j.titans.store.MemoryStateStoreContractTest#unusualIds")
    void shortIdsRoundTripThroughTheirName(String id) {
        String base = StateFileNames.baseName(id);

        assertThat(StateFileNames.looksLikeBaseName(base)).isTrue();
        if (id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 96) {
            assertThat(StateFileNames.reversibleId(base)).contains(id);
        }
    }

    @Test
    void foreignNamesAreRecognised() {
        assertThat(StateFileNames.looksLikeBaseName("readme")).isFalse();
        assertThat(StateFileNames.looksLikeBaseName("Upper~x41")).isFalse();
        assertThat(StateFileNames.looksLikeBaseName("x~q00")).isFalse();
        assertThatThrownBy(() -> StateFileNames.reversibleId("a~x4")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StateFileNames.reversibleId("b~x61"))
                .hasMessageContaining("not a canonical memory state file name");
    }

    private static byte[] sha256(String id) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
