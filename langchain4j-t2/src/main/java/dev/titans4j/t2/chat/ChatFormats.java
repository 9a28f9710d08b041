package dev.titans4j.t2.chat;

import dev.titans4j.export.hf.ChatSettings;
import dev.titans4j.export.manifest.ModelManifest;
import dev.titans4j.t2.tokenizer.ModelTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** Finds the {@link ChatFormat} of a model: by name, from its manifest, or from its Jinja chat template. */
public final class ChatFormats {

    public static final List<String> NAMES = List.of(ChatMlFormat.NAME, Llama3Format.NAME, MistralFormat.NAME,
            Qwen3Format.NAME, SmolLm3Format.NAME, Gemma3Format.NAME, PhiFormat.PHI3, PhiFormat.PHI4_MINI,
            PlainFormat.NAME);

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
            case JinjaChatFormat.NAME -> throw new IllegalArgumentException("the '" + JinjaChatFormat.NAME + "' chat"
                    + " format renders a model's own template: load the model folder, or create a JinjaChatFormat"
                    + " with the template");
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
     * The format of an exported model: the manifest's format name, refined by its chat settings (the template's
     * default system prompt, the Llama 3.1/3.2 dated preamble), or the model's own template rendered by
     * {@link JinjaChatFormat} when the exporter recognised no hand-written format ({@code jinja}). Manifests
     * written before version 2 carry no chat settings: they are read from the folder's copied
     * {@code tokenizer_config.json}, and a {@code plain} model whose template is there is rendered with it.
     */
    public static ChatFormat forManifest(ModelManifest manifest, Path modelFolder) {
        ModelManifest.Chat chat = chatSettings(manifest, modelFolder);
        String name = manifest.chatFormat().strip().toLowerCase(Locale.ROOT);
        String template = chat.template();
        boolean unrecognised = dev.titans4j.export.ChatFormat.detect(template)
                .equals(dev.titans4j.export.ChatFormat.JINJA);
        if (name.equals(JinjaChatFormat.NAME) || (name.equals(PlainFormat.NAME) && unrecognised
                && !manifest.hasChatSettings())) {
            if (template == null || template.isBlank()) {
                throw new IllegalArgumentException(modelFolder.resolve(ModelManifest.FILE_NAME) + ": chat format '"
                        + JinjaChatFormat.NAME + "' but no chat template is recorded; re-export the model"
                        + " (titans4j export --input HF_DIR --output DIR)");
            }
            return new JinjaChatFormat(template, chat.bosToken(), chat.eosToken());
        }
        ChatFormat format = forManifest(manifest);
        if (format instanceof PlainFormat || template == null) {
            return format;
        }
        return fromChatTemplate(template, chat.defaultSystemPrompt())
                .filter(detected -> detected.name().equals(format.name()))
                .orElse(format);
    }

    /** The manifest's chat settings; for a version 1 manifest, read from the copied tokenizer config. */
    private static ModelManifest.Chat chatSettings(ModelManifest manifest, Path modelFolder) {
        if (manifest.hasChatSettings()) {
            return manifest.chat();
        }
        if (manifest.files().tokenizerConfig() == null) {
            return new ModelManifest.Chat(null, null, null, null);
        }
        try {
            return ChatSettings.chat(modelFolder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat template in " + modelFolder + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Recognises a Hugging Face Jinja chat template: ChatML ({@code <|im_start|>}, with its fixed default system
     * prompt if it has one, opening {@code <think>} if its generation prompt does, with Qwen3's history rules
     * if it is Qwen3's template with that generation prompt), Llama 3
     * ({@code <|start_header_id|>}; 3.1/3.2 when it writes "Cutting Knowledge Date", with today's date when it
     * calls {@code strftime_now}, else 3.1's default date), Mistral ({@code [INST]}), Qwen3 (ChatML reading
     * {@code enable_thinking}), SmolLM3 (ChatML with a "Reasoning Mode"), Gemma 3 ({@code <start_of_turn>}), Phi-3
     * ({@code <|user|>} ... {@code <|end|>}) or Phi-4-mini (with {@code <|/tool|>}). Empty for a template no
     * hand-written format recognises (see {@link JinjaChatFormat}).
     */
    public static Optional<ChatFormat> fromChatTemplate(String template) {
        return fromChatTemplate(template, dev.titans4j.export.ChatFormat.defaultSystemPrompt(template).orElse(null));
    }

    private static Optional<ChatFormat> fromChatTemplate(String template, String defaultSystemPrompt) {
        // the family as the exporter recognises it for the manifest; here also the variant details
        String family = dev.titans4j.export.ChatFormat.detect(template);
        return switch (family) {
            case dev.titans4j.export.ChatFormat.CHATML -> Optional.of(chatMl(template, defaultSystemPrompt));
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

    private static ChatMlFormat chatMl(String template, String defaultSystemPrompt) {
        boolean opensThinking = ChatMlFormat.opensThinking(template);
        return new ChatMlFormat(defaultSystemPrompt, opensThinking,
                opensThinking && defaultSystemPrompt == null && ChatMlFormat.keepsToolLoopReasoning(template));
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
