package dev.titans4j.t2.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The message counts positions the way the check does: the prompt plus one output token must fit. */
class PromptTooLongExceptionTest {

    @Test
    void a_prompt_as_long_as_the_model_context_needs_one_more_position() {
        PromptTooLongException e = new PromptTooLongException(4096, 4096);
        assertThat(e.getMessage()).isEqualTo("The prompt has 4096 tokens and needs at least 4097 positions (the"
                + " prompt plus one output token), but the context holds 4096 tokens; shorten the conversation");
        assertThat(e.promptTokens()).isEqualTo(4096);
        assertThat(e.contextLength()).isEqualTo(4096);
    }

    @Test
    void a_context_capped_below_the_models_says_so() {
        assertThat(new PromptTooLongException(600, 512, 2048).getMessage())
                .contains("needs at least 601 positions")
                .contains("the context holds 512 tokens (capped by maxContextLength; the model's own context is 2048)");
    }
}
