package dev.titans4j.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChatFormatTest {

    @Test
    void recognisesTemplateFamilies() {
        assertThat(ChatFormat.detect("{% for m in messages %}<|im_start|>{{ m.role }}")).isEqualTo("chatml");
        assertThat(ChatFormat.detect("<|start_header_id|>{{ role }}<|end_header_id|>")).isEqualTo("llama3");
        assertThat(ChatFormat.detect("{{ bos_token }}[INST] {{ content }} [/INST]")).isEqualTo("mistral");
        assertThat(ChatFormat.detect(null)).isEqualTo("plain");
        assertThat(ChatFormat.detect(" \n")).isEqualTo("plain");
    }

    @Test
    void aTemplateNoFamilyRecognisesIsRenderedByTheRuntimeItself() {
        assertThat(ChatFormat.detect("{{ content }}")).isEqualTo("jinja");
        assertThat(ChatFormat.detect("{{ bos_token }}<|turn|>user\n")).isEqualTo("jinja");
        assertThat(ChatFormat.names()).containsExactly("smollm3", "qwen3", "chatml", "llama3", "mistral", "gemma3", "phi4-mini", "phi3", "plain", "jinja");
    }

    @Test
    void defaultSystemPromptOnlyFromAFixedLiteral() {
        assertThat(ChatFormat.defaultSystemPrompt(
                "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}")).isEmpty();
        assertThat(ChatFormat.defaultSystemPrompt("'<|im_start|>system\\nLine one\\nIt\\'s two<|im_end|>\\n'"))
                .hasValue("Line one\nIt's two");
        assertThat(ChatFormat.defaultSystemPrompt(null)).isEmpty();
    }

    /** A long fixed system turn (a template may carry pages of instructions) is read, not a StackOverflowError. */
    @Test
    void defaultSystemPromptOfAnyLength() {
        String prompt = "Follow the house rules.\\n".repeat(20_000);
        String expected = "Follow the house rules.\n".repeat(20_000);
        assertThat(ChatFormat.defaultSystemPrompt("{{- '<|im_start|>system\\n" + prompt + "<|im_end|>\\n' }}"))
                .hasValue(expected);
        assertThat(ChatFormat.defaultSystemPrompt("{{- '<|im_start|>system\\n" + prompt + "' }}")).isEmpty();
    }

    /** Fragments of the real templates (the whole ones are checked in langchain4j-t2's ChatFormatGoldenTest). */
    @Test
    void recognisesThe2025Families() {
        assertThat(ChatFormat.detect("{{- '<|im_start|>assistant\\n' }}{%- if enable_thinking is defined and"
                + " enable_thinking is false %}")).isEqualTo("qwen3");
        assertThat(ChatFormat.detect("{{- \"<|im_start|>system\\n\" -}}{{- \"Reasoning Mode: \" + reasoning_mode"))
                .isEqualTo("smollm3");
        assertThat(ChatFormat.detect("{{ bos_token }}{{ '<start_of_turn>' + role + '\\n' }}")).isEqualTo("gemma3");
        assertThat(ChatFormat.detect("{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}")).isEqualTo("phi3");
        assertThat(ChatFormat.detect("{{ '<|' + message['role'] + '|>' + message['content'] + '<|tool|>' +"
                + " message['tools'] + '<|/tool|>' + '<|end|>' }}")).isEqualTo("phi4-mini");
    }
}
