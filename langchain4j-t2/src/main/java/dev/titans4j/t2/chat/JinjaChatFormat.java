package dev.titans4j.t2.chat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.titans4j.t2.chat.jinja.JinjaTemplate;
import dev.titans4j.t2.tools.ToolSignatures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's own Hugging Face chat template, rendered with a Java Jinja engine: the format for checkpoints whose
 * template matches no hand-written format. The template gets what transformers' {@code apply_chat_template} passes:
 * {@code messages} (role, content; assistant {@code tool_calls} as {@code {"type": "function", "id", "function":
 * {"name", "arguments"}}} with the arguments as an object, and an {@link AiMessage#thinking()} as
 * {@code reasoning_content}; tool results with {@code tool_call_id} and {@code name}), {@code tools} (function
 * signatures, absent when none are offered), {@code add_generation_prompt}, {@code bos_token} and
 * {@code eos_token}, plus any {@linkplain #withVariables extra variables} (such as {@code date_string}).
 * The rendered text carries BOS when the template writes it, so none is prepended. Limits: see {@link JinjaTemplate}.
 *
 * <p>Reasoning: a template that mentions {@code <think>} tags {@linkplain #thinks() thinks}. A render with thinking
 * switched on or off passes {@code enable_thinking} (templates without that switch ignore it); a render without the
 * switch leaves it undefined, so the template's own default applies.
 */
public final class JinjaChatFormat implements ChatFormat {

    public static final String NAME = dev.titans4j.export.ChatFormat.JINJA;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Object> ANY = new TypeReference<>() {
    };

    private final JinjaTemplate template;
    private final String bosToken;
    private final String eosToken;
    private final Map<String, Object> variables;
    private final boolean thinks;

    /**
     * @param bosToken the tokenizer's BOS token text ({@code bos_token}), or null
     * @param eosToken the tokenizer's EOS token text ({@code eos_token}), or null; also the stop string
     */
    public JinjaChatFormat(String template, String bosToken, String eosToken) {
        this(new JinjaTemplate(template), bosToken, eosToken, Map.of());
    }

    private JinjaChatFormat(JinjaTemplate template, String bosToken, String eosToken, Map<String, Object> variables) {
        this.template = template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.variables = variables;
        this.thinks = ThinkTags.mentioned(template.source());
    }

    /** This format with extra template variables (transformers' {@code **kwargs}), e.g. {@code date_string}. */
    public JinjaChatFormat withVariables(Map<String, ?> extra) {
        Map<String, Object> all = new HashMap<>(variables);
        all.putAll(Objects.requireNonNull(extra, "extra"));
        return new JinjaChatFormat(template, bosToken, eosToken, Map.copyOf(all));
    }

    /** The template text. */
    public String template() {
        return template.source();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, List.of(), addGenerationPrompt);
    }

    /**
     * @throws IllegalArgumentException when the template refuses the conversation ({@code raise_exception}), e.g.
     *                                  roles that do not alternate
     * @throws dev.langchain4j.exception.UnsupportedFeatureException when the template needs a Jinja feature the
     *                                  engine lacks, or for content a text-only model cannot read
     */
    @Override
    public String render(List<ChatMessage> messages, List<ToolSpecification> tools, boolean addGenerationPrompt) {
        return render(messages, tools, addGenerationPrompt, null);
    }

    /** As {@link #render(List, List, boolean)} with the template's {@code enable_thinking} set to {@code thinking}. */
    @Override
    public String render(List<ChatMessage> messages, List<ToolSpecification> tools, boolean addGenerationPrompt,
                         boolean thinking) {
        return render(messages, tools, addGenerationPrompt, Boolean.valueOf(thinking));
    }

    /** Whether the template handles reasoning in {@code <think>} tags (see the class comment). */
    @Override
    public boolean thinks() {
        return thinks;
    }

    private String render(List<ChatMessage> messages, List<ToolSpecification> tools, boolean addGenerationPrompt,
                          Boolean thinking) {
        MessageText.requireNotEmpty(messages);
        Map<String, Object> context = new HashMap<>(variables);
        context.put("messages", hfMessages(messages));
        if (tools != null && !tools.isEmpty()) {
            List<Object> signatures = new ArrayList<>();
            tools.forEach(tool -> signatures.add(JSON.convertValue(ToolSignatures.typed(tool), ANY)));
            context.put("tools", signatures);
        }
        if (thinking != null) {
            context.put("enable_thinking", thinking);
        }
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken == null ? "" : bosToken);
        context.put("eos_token", eosToken == null ? "" : eosToken);
        return template.render(context);
    }

    @Override
    public boolean prependBos() {
        return false;
    }

    @Override
    public List<String> stopStrings() {
        return eosToken == null || eosToken.isEmpty() ? List.of() : List.of(eosToken);
    }

    @Override
    public String toString() {
        return NAME;
    }

    private static List<Map<String, Object>> hfMessages(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ChatMessage message : messages) {
            Map<String, Object> m = new LinkedHashMap<>();
            String content = MessageText.of(message); // refuses media and unknown message types first
            m.put("role", role(message));
            if (message instanceof ToolExecutionResultMessage t) {
                m.put("tool_call_id", t.id());
                m.put("name", t.toolName());
            }
            m.put("content", content);
            if (message instanceof AiMessage a && a.thinking() != null) {
                m.put("reasoning_content", a.thinking());
            }
            if (message instanceof AiMessage a && a.hasToolExecutionRequests()) {
                List<Object> calls = new ArrayList<>();
                for (ToolExecutionRequest call : a.toolExecutionRequests()) {
                    Map<String, Object> function = new LinkedHashMap<>();
                    function.put("name", call.name());
                    function.put("arguments", arguments(call));
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("type", "function");
                    c.put("id", call.id());
                    c.put("function", function);
                    calls.add(c);
                }
                m.put("tool_calls", calls);
            }
            out.add(m);
        }
        return out;
    }

    private static String role(ChatMessage message) {
        if (message instanceof SystemMessage) {
            return "system";
        }
        if (message instanceof UserMessage) {
            return "user";
        }
        return message instanceof AiMessage ? "assistant" : "tool";
    }

    /** The arguments as an object, as Hugging Face's chat-template docs ask; text when they are not JSON. */
    private static Object arguments(ToolExecutionRequest call) {
        String json = ToolArguments.json(call);
        try {
            return JSON.readValue(json, ANY);
        } catch (IOException e) {
            return json;
        }
    }
}
