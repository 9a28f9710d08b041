package dev.titans4j.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat-format families, shared by the exporter (which records the family recognised from the tokenizer's Jinja
 * chat template in the manifest) and the runtime (which maps each name to its implementation). A template no
 * family recognises is {@link #JINJA}: the runtime renders the template itself; no template at all is
 * {@link #PLAIN}. Names are stable: they are written into manifests.
 */
public final class ChatFormat {

    public static final String CHATML = "chatml";
    public static final String LLAMA3 = "llama3";
    public static final String MISTRAL = "mistral";
    public static final String PLAIN = "plain";
    public static final String QWEN3 = "qwen3";
    public static final String SMOLLM3 = "smollm3";
    public static final String GEMMA3 = "gemma3";
    public static final String PHI3 = "phi3";
    public static final String PHI4_MINI = "phi4-mini";
    public static final String JINJA = "jinja";

    /** A family: its name and how its template is recognised. */
    public record Family(String name, Predicate<String> recognises) {
    }

    /**
     * The hand-written families, tried in order (the first that recognises a template wins, so a family whose
     * templates also match a more general one goes before it). One line per family.
     */
    private static final List<Family> FAMILIES = List.of(
            // the thinking ChatML families first: SmolLM3 writes a "Reasoning Mode" metadata block, Qwen3 reads
            // enable_thinking; plain ChatML (Qwen2.5, SmolLM2) has neither
            new Family(SMOLLM3, t -> t.contains("<|im_start|>") && t.contains("Reasoning Mode: ")),
            new Family(QWEN3, t -> t.contains("<|im_start|>") && t.contains("enable_thinking")),
            new Family(CHATML, t -> t.contains("<|im_start|>")),
            new Family(LLAMA3, t -> t.contains("<|start_header_id|>")),
            new Family(MISTRAL, t -> t.contains("[INST]")),
            new Family(GEMMA3, t -> t.contains("<start_of_turn>")),
            // Phi-4-mini builds every tag as '<|' + role + '|>' and offers tools in <|tool|>...<|/tool|>
            new Family(PHI4_MINI, t -> t.contains("<|end|>") && t.contains("<|/tool|>")),
            new Family(PHI3, t -> t.contains("<|end|>") && t.contains("<|user|>")));

    /**
     * A single-quoted literal opening a ChatML system turn, up to its closing quote. Possessive runs, not an
     * alternation under {@code *?}: java.util.regex recurses once per repetition of such a group, so a long literal
     * would overflow the stack.
     */
    private static final Pattern CHATML_SYSTEM_LITERAL =
            Pattern.compile("'<\\|im_start\\|>system\\\\n([^'\\\\]*+(?:\\\\.[^'\\\\]*+)*+)'");
    /** How a fixed system turn ends inside that literal. */
    private static final String CHATML_END_OF_TURN = "<|im_end|>\\n";

    private ChatFormat() {
    }

    /** Every name a manifest may carry: the hand-written families, then {@code plain} and {@code jinja}. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        FAMILIES.forEach(f -> names.add(f.name()));
        names.add(PLAIN);
        names.add(JINJA);
        return List.copyOf(names);
    }

    /** The family of a chat template: a hand-written one, {@code jinja} when none fits, {@code plain} when blank. */
    public static String detect(String chatTemplate) {
        if (chatTemplate == null || chatTemplate.isBlank()) {
            return PLAIN;
        }
        for (Family family : FAMILIES) {
            if (family.recognises().test(chatTemplate)) {
                return family.name();
            }
        }
        return JINJA;
    }

    /**
     * The text of a fixed system turn in a ChatML template, e.g. Qwen2.5's "You are Qwen, ...": a literal that
     * opens the turn and closes it, with no expression in it.
     */
    public static Optional<String> defaultSystemPrompt(String chatTemplate) {
        if (chatTemplate == null) {
            return Optional.empty();
        }
        Matcher m = CHATML_SYSTEM_LITERAL.matcher(chatTemplate);
        for (int from = 0; m.find(from); from = m.start() + 1) {
            String literal = m.group(1);
            if (literal.endsWith(CHATML_END_OF_TURN)) {
                return Optional.of(unescapeJinja(literal.substring(0, literal.length()
                        - CHATML_END_OF_TURN.length())));
            }
        }
        return Optional.empty();
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
}
