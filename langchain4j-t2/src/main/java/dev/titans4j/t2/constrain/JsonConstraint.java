package dev.titans4j.t2.constrain;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What constrained output must look like: JSON valid against a LangChain4j {@link JsonSchema}, any JSON, or a
 * JSON value between fixed literal text (tool-call syntax). Compiled once (immutable, thread-safe; reuse it
 * across requests so masks cached per vocabulary are reused); {@link #start(TokenVocabulary)} opens a cheap
 * per-request {@link ConstrainedDecoder}.
 *
 * <p>Grammar decisions (see {@link ConstraintLimits} for the bounds that guarantee termination):
 * <ul>
 *   <li>Object properties are written in declared order; required ones always, optional ones may be skipped;
 *       undeclared ones never. An object schema with no properties (and additional properties not
 *       forbidden) accepts any object.</li>
 *   <li>Whitespace: runs of at most {@code maxWhitespace} spaces/tabs/newlines between tokens and before the
 *       value; none after the value (the end is followed only by end-of-sequence or the literal suffix).</li>
 *   <li>Strings: valid UTF-8, JSON escapes, no raw control characters, no lone surrogate escapes.</li>
 *   <li>Numbers: JSON number grammar; integers have no fraction or exponent.</li>
 *   <li>{@code anyOf}: alternatives are followed in parallel until the bytes decide.</li>
 * </ul>
 */
public final class JsonConstraint {

    private static final int DEFAULT_MAX_CACHED_MASKS = 256;

    /** Builds the initial automaton stack on top of a given bottom, for given limits. */
    private interface Layout extends Function<ConstraintLimits, UnaryOperator<Stack>> {
    }

    private final Layout layout;
    private final ConstraintLimits limits;
    private final UnaryOperator<Stack> initial;
    private final Map<TokenVocabulary, MaskEngine> engines = Collections.synchronizedMap(new WeakHashMap<>());

    private JsonConstraint(Layout layout, ConstraintLimits limits) {
        this.layout = layout;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.initial = layout.apply(limits); // compile now: schema errors surface here, not mid-generation
    }

    /** JSON valid against {@code schema}. */
    public static JsonConstraint forSchema(JsonSchema schema) {
        Objects.requireNonNull(schema, "schema");
        return forSchema(schema.rootElement());
    }

    /** JSON valid against {@code root}. */
    public static JsonConstraint forSchema(JsonSchemaElement root) {
        Objects.requireNonNull(root, "root schema element");
        return new JsonConstraint(limits -> value(new SchemaCompiler(limits).compileRoot(root), limits),
                ConstraintLimits.defaults());
    }

    /** Any JSON value. */
    public static JsonConstraint anyJson() {
        return new JsonConstraint(limits -> value(new SchemaCompiler(limits).anyValue(), limits),
                ConstraintLimits.defaults());
    }

    /** Any JSON object (plain JSON response format). */
    public static JsonConstraint anyJsonObject() {
        return new JsonConstraint(limits -> value(new SchemaCompiler(limits).anyObject(), limits),
                ConstraintLimits.defaults());
    }

    /**
     * One tool call as {@code {"name": <one of the tool names>, "arguments": <that tool's parameters>}}:
     * the name decides which parameter schema applies. A tool without parameters takes {@code {}}.
     */
    public static JsonConstraint forToolCall(List<ToolSpecification> tools) {
        return forSchema(toolCallSchema(tools));
    }

    /**
     * Like {@link #forToolCall(List)} with another key for the arguments object (Llama 3.1/3.2 JSON function
     * calls use {@code "parameters"}).
     */
    public static JsonConstraint forToolCall(List<ToolSpecification> tools, String argumentsKey) {
        return forSchema(toolCallSchema(tools, argumentsKey));
    }

    /** The schema {@link #forToolCall(List)} enforces (an {@code anyOf} with one object per tool). */
    public static JsonSchemaElement toolCallSchema(List<ToolSpecification> tools) {
        return toolCallSchema(tools, "arguments");
    }

    /**
     * {@code {"name": <tool name>, <argumentsKey>: <that tool's parameters>}} for one of {@code tools}. Wrap
     * it in a {@code JsonArraySchema} for formats that emit a list of calls (Mistral {@code [TOOL_CALLS]}).
     */
    public static JsonSchemaElement toolCallSchema(List<ToolSpecification> tools, String argumentsKey) {
        Objects.requireNonNull(argumentsKey, "argumentsKey");
        if ("name".equals(argumentsKey)) {
            throw new IllegalArgumentException("argumentsKey must differ from \"name\"");
        }
        if (tools == null || tools.isEmpty()) {
            throw new IllegalArgumentException("a tool-call constraint needs at least one tool");
        }
        List<JsonSchemaElement> alternatives = new ArrayList<>();
        for (ToolSpecification tool : tools) {
            JsonObjectSchema arguments = tool.parameters() != null ? tool.parameters()
                    : JsonObjectSchema.builder().additionalProperties(false).build();
            alternatives.add(JsonObjectSchema.builder()
                    .addProperty("name", JsonEnumSchema.builder().enumValues(tool.name()).build())
                    .addProperty(argumentsKey, arguments)
                    .required("name", argumentsKey)
                    .additionalProperties(false)
                    .build());
        }
        return alternatives.size() == 1 ? alternatives.get(0)
                : JsonAnyOfSchema.builder().anyOf(alternatives).build();
    }

    /**
     * Exactly {@code prefix}, then a value satisfying {@code value}, then exactly {@code suffix}; e.g.
     * {@code literalThen("<tool_call>\n", forToolCall(tools), "\n</tool_call>")}. The result uses
     * {@code value}'s limits.
     */
    public static JsonConstraint literalThen(String prefix, JsonConstraint value, String suffix) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(suffix, "suffix");
        Layout inner = value.layout;
        Layout layout = limits -> {
            UnaryOperator<Stack> body = inner.apply(limits);
            return below -> {
                Stack s = suffix.isEmpty() ? below : below.push(LiteralGrammar.exactly(suffix));
                s = body.apply(s);
                return prefix.isEmpty() ? s : s.push(LiteralGrammar.exactly(prefix));
            };
        };
        return new JsonConstraint(layout, value.limits);
    }

    /**
     * One to {@code maxCount} outputs of {@code item}, separated by exactly {@code separator}; e.g. several
     * parallel tool calls: {@code repeated(literalThen("<tool_call>\n", forToolCall(tools), "\n</tool_call>"),
     * "\n", 4)}. The result uses {@code item}'s limits.
     */
    public static JsonConstraint repeated(JsonConstraint item, String separator, int maxCount) {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(separator, "separator");
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be >= 1, was " + maxCount);
        }
        Layout inner = item.layout;
        Layout layout = limits -> {
            UnaryOperator<Stack> body = inner.apply(limits);
            return below -> body.apply(below.push(new Repeat(body, separator, maxCount - 1)));
        };
        return new JsonConstraint(layout, item.limits);
    }

    /**
     * Output satisfying {@code first} or {@code second}, followed in parallel until the bytes decide; e.g. an
     * answer that is either a framed tool call or JSON for a response schema. Neither may be empty. The result
     * uses {@code first}'s limits.
     */
    public static JsonConstraint either(JsonConstraint first, JsonConstraint second) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Layout a = first.layout;
        Layout b = second.layout;
        Layout layout = limits -> {
            UnaryOperator<Stack> x = a.apply(limits);
            UnaryOperator<Stack> y = b.apply(limits);
            return below -> below.push(new Either(x, y));
        };
        return new JsonConstraint(layout, first.limits);
    }

    /** Before the first byte of an {@link #either} output: each byte steps both alternatives. */
    private record Either(UnaryOperator<Stack> first, UnaryOperator<Stack> second) implements Frame {
        @Override
        public void step(int b, Stack rest, Stack.Sink out) {
            Stack.step(first.apply(rest), b, out);
            Stack.step(second.apply(rest), b, out);
        }

        @Override
        public boolean appendShortestEnd(Stack rest, java.io.ByteArrayOutputStream out) {
            byte[] a = Stack.shortestCompletion(first.apply(Stack.EMPTY));
            byte[] b = Stack.shortestCompletion(second.apply(Stack.EMPTY));
            byte[] best = a == null || (b != null && b.length < a.length) ? b : a;
            if (best == null) {
                return false;
            }
            out.writeBytes(best);
            return true;
        }
    }

    /** Below a repeated item: after it, either stop or take the separator and another item. */
    private record Repeat(UnaryOperator<Stack> item, String separator, int left) implements Frame {
        @Override
        public void step(int b, Stack rest, Stack.Sink out) {
            if (left == 0) {
                return;
            }
            Stack next = item.apply(rest.push(new Repeat(item, separator, left - 1)));
            if (!separator.isEmpty()) {
                next = next.push(LiteralGrammar.exactly(separator));
            }
            Stack.step(next, b, out);
        }

        @Override
        public boolean canFinish() {
            return true;
        }
    }

    /** The same constraint with other bounds. */
    public JsonConstraint withLimits(ConstraintLimits limits) {
        return new JsonConstraint(layout, limits);
    }

    public ConstraintLimits limits() {
        return limits;
    }

    /** A fresh per-request decoder over {@code vocabulary}. */
    public ConstrainedDecoder start(TokenVocabulary vocabulary) {
        Objects.requireNonNull(vocabulary, "vocabulary");
        MaskEngine engine = engines.computeIfAbsent(vocabulary, v -> new MaskEngine(v, DEFAULT_MAX_CACHED_MASKS));
        return new ConstrainedDecoder(engine, new ParseState(initial.apply(Stack.EMPTY)));
    }

    private static UnaryOperator<Stack> value(Spec root, ConstraintLimits limits) {
        return below -> below.push(new Spec.Slot(root, limits.maxWhitespace()));
    }
}
