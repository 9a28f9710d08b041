package dev.titans4j.t2.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the {@link ChatFormat} of a model: by name, from its manifest, or from its Jinja chat template. */
public final class ChatFormats {

    public static final List<String> NAMES = List.of(ChatMlFormat.NAME, Llama3Format.NAME, MistralFormat.NAME,
            Qwen3Format.NAME, SmolLm3Format.NAME, Gemma3Format.NAME, PhiFormat.PHI3, PhiFormat.PHI4_MINI,
            PlainFormat.NAME);

    /** A fixed system turn inside a ChatML template: a single-quoted literal with no expression in it. */
    private static final Pattern CHATML_DEFAULT_SYSTEM =
            Pattern.compile("'<\\|im_start\\|>system\\\\n((?:[^'\\\\]|\\\\.)*?)<\\|im_end\\|>\\\\n'");

    private ChatFormats() {
    }

    /**
     * The format called {@code name} (case-insensitive): {@code chatml} (no default system prompt),
     * {@code llama3}, {@code mistral}, {@code qwen3}, {@code smollm3} (dated today), {@code gemma3}, {@code phi3},
     * {@code phi4-mini}, or {@code plain} (which prepends BOS; use {@link PlainFormat} directly for a tokenizer
     * without BOS).
     */
    public static ChatFormat of(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("chat format name is missing; supported: " + NAMES);
        }
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case ChatMlFormat.NAME -> new ChatMlFormat();
            case Llama3Format.NAME -> new Llama3Format();
            case MistralFormat.NAME -> new MistralFormat();
            case Qwen3Format.NAME -> new Qwen3Format();
            case SmolLm3Format.NAME -> SmolLm3Format.withTodaysDate();
            case Gemma3Format.NAME -> new Gemma3Format();
            case PhiFormat.PHI3 -> PhiFormat.phi3();
            case PhiFormat.PHI4_MINI -> PhiFormat.phi4Mini();
            case PlainFormat.NAME -> new PlainFormat(true);
            default -> throw new IllegalArgumentException("unknown chat format '" + name + "'; supported: " + NAMES);
        };
    }

    /**
     * The format named in the manifest. BOS for {@code plain} follows the manifest's tokenizer settings; ChatML
     * gets Qwen's default system prompt when the model type is {@code qwen2} (as Qwen2/2.5's templates add it).
     * Prefer {@link #forManifest(ModelManifest, Path)}, which reads the default system prompt from the model's
     * own template.
     */
    public static ChatFormat forManifest(ModelManifest manifest) {
        String name = manifest.chatFormat();
        if (PlainFormat.NAME.equalsIgnoreCase(name == null ? "" : name.strip())) {
            return new PlainFormat(manifest.tokens().addBosToken());
        }
        ChatFormat format = of(name);
        if (format instanceof ChatMlFormat && "qwen2".equalsIgnoreCase(manifest.modelType())) {
            return new ChatMlFormat(ChatMlFormat.QWEN_DEFAULT_SYSTEM_PROMPT);
        }
        return format;
    }

    /**
     * As {@link #forManifest(ModelManifest)}, refined by the chat template in the folder's tokenizer config: a
     * ChatML format takes its default system prompt from it (none when the template has none), and Llama 3.1/3.2
     * templates get their dated system preamble.
     */
    public static ChatFormat forManifest(ModelManifest manifest, Path modelFolder) {
        ChatFormat format = forManifest(manifest);
        String configFile = manifest.files().tokenizerConfig();
        if (format instanceof PlainFormat || configFile == null) {
            return format;
        }
        Path config = modelFolder.resolve(configFile);
        if (!Files.isRegularFile(config)) {
            return format;
        }
        return chatTemplate(config).flatMap(ChatFormats::fromChatTemplate)
                .filter(detected -> detected.name().equals(format.name()))
                .orElse(format);
    }

    /**
     * Recognises a Hugging Face Jinja chat template: ChatML ({@code <|im_start|>}, with its fixed default system
     * prompt if it has one), Llama 3 ({@code <|start_header_id|>}; 3.1/3.2 when it writes "Cutting Knowledge
     * Date", with today's date when it calls {@code strftime_now}, else 3.1's default date), Mistral
     * ({@code [INST]}), Qwen3 (ChatML reading {@code enable_thinking}), SmolLM3 (ChatML with a "Reasoning Mode"),
     * Gemma 3 ({@code <start_of_turn>}), Phi-3 ({@code <|user|>} ... {@code <|end|>}) or Phi-4-mini (with
     * {@code <|/tool|>}).
     */
    public static Optional<ChatFormat> fromChatTemplate(String template) {
        // the family as the exporter recognises it for the manifest; here also the variant details
        String family = dev.titans4j.export.ChatFormat.detect(template);
        return switch (family) {
            case dev.titans4j.export.ChatFormat.CHATML ->
                    Optional.of(new ChatMlFormat(defaultSystemPrompt(template).orElse(null)));
            case dev.titans4j.export.ChatFormat.LLAMA3 -> Optional.of(!template.contains("Cutting Knowledge Date")
                    ? new Llama3Format()
                    : template.contains("strftime_now") ? Llama3Format.withTodaysDate()
                    : Llama3Format.withDate(Llama3Format.LLAMA31_DEFAULT_DATE));
            case dev.titans4j.export.ChatFormat.MISTRAL -> Optional.of(new MistralFormat());
            case dev.titans4j.export.ChatFormat.QWEN3, dev.titans4j.export.ChatFormat.SMOLLM3,
                 dev.titans4j.export.ChatFormat.GEMMA3, dev.titans4j.export.ChatFormat.PHI3,
                 dev.titans4j.export.ChatFormat.PHI4_MINI -> Optional.of(of(family));
            default -> Optional.empty();
        };
    }

    /** The text of a fixed system turn in a ChatML template, e.g. Qwen2.5's "You are Qwen, ...". */
    static Optional<String> defaultSystemPrompt(String template) {
        Matcher m = CHATML_DEFAULT_SYSTEM.matcher(template);
        return m.find() ? Optional.of(unescapeJinja(m.group(1))) : Optional.empty();
    }

    private static String unescapeJinja(String literal) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\\' && i + 1 < literal.length()) {
                char e = literal.charAt(++i);
                out.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> e;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static Optional<String> chatTemplate(Path tokenizerConfig) {
        try {
            JsonNode template = new ObjectMapper().readTree(tokenizerConfig.toFile()).path("chat_template");
            if (template.isTextual()) {
                return Optional.of(template.asText());
            }
            // Newer configs list named templates: [{"name": "default", "template": "..."}]
            for (JsonNode named : template) {
                if ("default".equals(named.path("name").asText())) {
                    return Optional.of(named.path("template").asText());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat template in " + tokenizerConfig, e);
        }
    }

    /**
     * The ids of the format's stop strings that are single tokens of this tokenizer (usually all of them).
     * Generation should end on these ids: decoded text leaves special tokens out, so text matching never sees them.
     */
    public static List<Integer> stopTokenIds(ChatFormat format, ModelTokenizer tokenizer) {
        List<Integer> ids = new ArrayList<>();
        for (String stop : format.stopStrings()) {
            OptionalInt id = tokenizer.tokenId(stop);
            id.ifPresent(ids::add);
        }
        return ids;
    }
}
