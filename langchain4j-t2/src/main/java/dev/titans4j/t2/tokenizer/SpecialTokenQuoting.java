package dev.titans4j.t2.tokenizer;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells special-token strings that message content carries (a user typing {@code <|im_end|>}, a tool result
 * quoting one) from those the chat format writes as markup, so that only markup becomes special tokens.
 *
 * <p>Content is quoted before rendering: {@link #QUOTE} goes before each special string in it. In the rendered
 * text, quoted strings are plain text and every other special string is markup, which {@link #split} prefixes with
 * {@link #MARK}, the prefix the special tokens carry in the tokenizer that encodes the result. The two marker
 * characters are Unicode noncharacters (reserved for internal use); content that contains them gets U+FFFD in
 * their place, as a content {@code MARK} before a content special string would otherwise become markup.
 */
final class SpecialTokenQuoting {

    static final char MARK = '\uFDD0';
    static final char QUOTE = '\uFDD1';

    /** The special strings as a character trie: the longest one at a position is found in one walk. */
    private final Node root = new Node();
    private final BitSet firstChars = new BitSet(Character.MAX_VALUE + 1);

    private static final class Node {
        final Map<Character, Node> next = new HashMap<>(4);
        /** The length of the special string ending here; 0 where none does. */
        int length;
    }

    SpecialTokenQuoting(Collection<String> specials) {
        for (String special : specials) {
            if (special.isEmpty()) {
                continue;
            }
            Node node = root;
            for (int i = 0; i < special.length(); i++) {
                node = node.next.computeIfAbsent(special.charAt(i), c -> new Node());
            }
            node.length = special.length();
            firstChars.set(special.charAt(0));
        }
    }

    /** The rendered text as the model reads it, and the text to encode with the marked tokenizer. */
    record Split(String text, String marked) {
    }

    /** {@code messages} with their content quoted; the same list when no content needs it. */
    List<ChatMessage> quote(List<ChatMessage> messages) {
        List<ChatMessage> out = new ArrayList<>(messages.size());
        boolean changed = false;
        for (ChatMessage message : messages) {
            ChatMessage quoted = quote(message);
            changed |= quoted != message;
            out.add(quoted);
        }
        return changed ? out : messages;
    }

    private ChatMessage quote(ChatMessage message) {
        if (message instanceof SystemMessage s) {
            String text = quote(s.text());
            return text == s.text() ? s : SystemMessage.from(text);
        }
        if (message instanceof UserMessage u) {
            List<Content> contents = quoteContents(u.contents());
            return contents == null ? u : u.toBuilder().contents(contents).build();
        }
        if (message instanceof ToolExecutionResultMessage t) {
            List<Content> contents = quoteContents(t.contents());
            return contents == null ? t : t.toBuilder().contents(contents).build();
        }
        if (message instanceof AiMessage a) {
            String text = quote(a.text());
            String thinking = quote(a.thinking());
            List<ToolExecutionRequest> calls = new ArrayList<>();
            boolean callsChanged = false;
            for (ToolExecutionRequest call : a.toolExecutionRequests()) {
                String arguments = quoteArguments(call.arguments());
                callsChanged |= arguments != call.arguments();
                calls.add(arguments == call.arguments() ? call : call.toBuilder().arguments(arguments).build());
            }
            if (text == a.text() && thinking == a.thinking() && !callsChanged) {
                return a;
            }
            return a.toBuilder().text(text).thinking(thinking).toolExecutionRequests(calls).build();
        }
        return message; // other types are refused by the chat format
    }

    /** The contents with their text quoted, or null when none changed. */
    private List<Content> quoteContents(List<Content> contents) {
        List<Content> out = new ArrayList<>(contents.size());
        boolean changed = false;
        for (Content content : contents) {
            if (content instanceof TextContent t) {
                String text = quote(t.text());
                if (text != t.text()) {
                    changed = true;
                    out.add(TextContent.from(text));
                    continue;
                }
            }
            out.add(content);
        }
        return changed ? out : null;
    }

    /**
     * Tool-call arguments with their JSON strings quoted as well as their text: some formats parse the arguments and
     * print them again, so a special string written with JSON escapes (a backslash-u escape for each angle bracket)
     * would reach the prompt as markup. The quote goes before the escaped string in the text, so formats that print
     * the arguments as they are get them unchanged. The same instance when nothing needs quoting.
     */
    String quoteArguments(String arguments) {
        if (arguments == null || arguments.indexOf('\\') < 0) {
            return quote(arguments);
        }
        StringBuilder out = new StringBuilder(arguments.length() + 16);
        int i = 0;
        while (i < arguments.length()) {
            if (arguments.charAt(i) == '"') {
                i = quoteStringLiteral(arguments, i, out);
                continue;
            }
            i = appendQuoted(arguments, i, out);
        }
        String quoted = out.toString();
        return quoted.equals(arguments) ? arguments : quoted;
    }

    /**
     * Copies the JSON string literal at {@code open} (its opening quote) to {@code out}, with {@link #QUOTE} before
     * each special string in its decoded text and U+FFFD for escaped or plain marker characters; returns the index
     * after its closing quote.
     */
    private int quoteStringLiteral(String json, int open, StringBuilder out) {
        StringBuilder decoded = new StringBuilder();
        List<Integer> starts = new ArrayList<>(); // where each decoded character starts in json
        int i = open + 1;
        while (i < json.length() && json.charAt(i) != '"') {
            starts.add(i);
            char c = json.charAt(i);
            if (c != '\\' || i + 1 >= json.length()) {
                decoded.append(c);
                i++;
                continue;
            }
            char escaped = json.charAt(i + 1);
            int code = escaped == 'u' && i + 6 <= json.length() ? hex4(json, i + 2) : -1;
            if (code >= 0) {
                decoded.append((char) code);
                i += 6;
            } else {
                decoded.append(switch (escaped) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    default -> escaped;
                });
                i += 2;
            }
        }
        starts.add(i);
        out.append('"');
        String text = decoded.toString();
        for (int k = 0; k < text.length(); ) {
            int length = specialAt(text, k);
            char c = text.charAt(k);
            if (length > 0) {
                out.append(QUOTE).append(json, starts.get(k), starts.get(k + length));
                k += length;
            } else {
                if (c == MARK || c == QUOTE) {
                    out.append('\uFFFD');
                } else {
                    out.append(json, starts.get(k), starts.get(k + 1));
                }
                k++;
            }
        }
        if (i < json.length()) {
            out.append('"');
            i++;
        }
        return i;
    }

    private static int hex4(String text, int from) {
        int code = 0;
        for (int i = from; i < from + 4; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            code = code * 16 + digit;
        }
        return code;
    }

    /** {@code text} with {@link #QUOTE} before each special string; the same instance when it has none. */
    String quote(String text) {
        if (text == null) {
            return null;
        }
        int first = 0;
        while (first < text.length() && specialAt(text, first) == 0 && text.charAt(first) != MARK
                && text.charAt(first) != QUOTE) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); ) {
            i = appendQuoted(text, i, out);
        }
        return out.toString();
    }

    /**
     * Appends the piece of {@code text} at {@code i}, quoted: a special string after {@link #QUOTE}, a marker
     * character as U+FFFD, any other character as it is. Returns where the next piece starts.
     */
    private int appendQuoted(String text, int i, StringBuilder out) {
        int length = specialAt(text, i);
        if (length > 0) {
            out.append(QUOTE).append(text, i, i + length);
            return i + length;
        }
        char c = text.charAt(i);
        out.append(c == MARK || c == QUOTE ? '\uFFFD' : c);
        return i + 1;
    }

    /** Splits a text rendered from quoted messages (see the class comment). */
    Split split(String rendered) {
        StringBuilder text = new StringBuilder(rendered.length());
        StringBuilder marked = new StringBuilder(rendered.length() + 16);
        for (int i = 0; i < rendered.length(); ) {
            char c = rendered.charAt(i);
            if (c == QUOTE) {
                int length = specialAt(rendered, i + 1);
                text.append(rendered, i + 1, i + 1 + length);
                marked.append(rendered, i + 1, i + 1 + length);
                i += 1 + length;
                continue;
            }
            int length = specialAt(rendered, i);
            if (length > 0) {
                text.append(rendered, i, i + length);
                marked.append(MARK).append(rendered, i, i + length);
                i += length;
            } else {
                text.append(c);
                marked.append(c);
                i++;
            }
        }
        return new Split(text.toString(), marked.toString());
    }

    /** The length of the longest special string at {@code i} (as the tokenizer matches them), or 0. */
    int specialAt(String text, int i) {
        if (i >= text.length() || !firstChars.get(text.charAt(i))) {
            return 0;
        }
        int longest = 0;
        Node node = root;
        for (int j = i; j < text.length(); j++) {
            node = node.next.get(text.charAt(j));
            if (node == null) {
                break;
            }
            if (node.length > 0) {
                longest = node.length;
            }
        }
        return longest;
    }
}
