package dev.titans4j.bench.recall.memory;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenEstimatorTest {

    @Test
    void isCeilingOfWordsTimesOnePointThree() {
        // reference values computed by hand: ceil(1.3) = 2, ceil(3.9) = 4, ceil(13.0) = 13, ceil(130.0) = 130
        assertThat(TokenEstimator.tokensForWords(0)).isZero();
        assertThat(TokenEstimator.tokensForWords(1)).isEqualTo(2);
        assertThat(TokenEstimator.tokensForWords(3)).isEqualTo(4);
        assertThat(TokenEstimator.tokensForWords(10)).isEqualTo(13);
        assertThat(TokenEstimator.tokensForWords(100)).isEqualTo(130);
        for (int words = 0; words < 5000; words++) {
            assertThat(TokenEstimator.tokensForWords(words))
                    .isEqualTo(new java.math.BigDecimal(words).multiply(new java.math.BigDecimal("1.3"))
                            .setScale(0, java.math.RoundingMode.CEILING).intValueExact());
        }
    }

    @Test
    void wordsAreWhitespaceSeparatedPieces() {
        assertThat(TokenEstimator.countWords("")).isZero();
        assertThat(TokenEstimator.countWords("   ")).isZero();
        assertThat(TokenEstimator.countWords("Ann: hello,  world!\n\tok")).isEqualTo(4);
        assertThat(TokenEstimator.estimate("Ann: The code is 4721.")).isEqualTo(7); // 5 words -> 6.5 -> 7
    }
}
