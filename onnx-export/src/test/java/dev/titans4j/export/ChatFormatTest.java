package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChatFormatTest {

    @Test
    void recognisesTemplateFamilies() {
        assertThat(ChatFormat.detect("{% for m in messages %}<|im_start|>{{ m.role }}")).isEqualTo("chatml");
        assertThat(ChatFormat.detect("<|start_header_id|>{{ role }}<|end_header_id|>")).isEqualTo("llama3");
        assertThat(ChatFormat.detect("{{ bos_token }}[INST] {{ content }} [/INST]")).isEqualTo("mistral");
        assertThat(ChatFormat.detect("{{ content }}")).isEqualTo("plain");
        assertThat(ChatFormat.detect(null)).isEqualTo("plain");
    }
}
