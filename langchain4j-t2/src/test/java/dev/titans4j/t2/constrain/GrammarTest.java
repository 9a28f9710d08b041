package dev.titans4j.t2.constrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Which byte strings the automaton accepts as complete output, checked one byte token at a time. */
class GrammarTest {

    /** Token id b = the single byte b; id 256 = EOS. */
    static final TokenVocabulary BYTES = byteVocabulary();

    static TokenVocabulary byteVocabulary() {
        List<byte[]> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(new byte[] {(byte) b});
        }
        tokens.add("</s>".getBytes(StandardCharsets.UTF_8));
        return TokenVocabulary.of(tokens, Set.of(256), 256);
    }

    /** True when every byte is accepted and the result is complete. */
    static boolean accepts(JsonConstraint c, String text) {
        return accepts(c, text.getBytes(StandardCharsets.UTF_8));
    }

    static boolean accepts(JsonConstraint c, byte[] bytes) {
        ConstrainedDecoder d = c.start(BYTES);
        for (byte b : bytes) {
            if (!d.isAllowed(b & 0xFF)) {
                return false;
            }
            d.accept(b & 0xFF);
        }
        return d.isComplete();
    }

    static JsonConstraint schema(JsonSchemaElement e) {
        return JsonConstraint.forSchema(e);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"abc\"", "\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\"", "\"\\u00e9\\uABCD\"", "\"é中😀\"",
        " \"x\"", "\"\u007f\""})
    void stringsAccepted(String json) {
        assertThat(accepts(schema(new JsonStringSchema()), json)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc", "abc", "\"a\nb\"", "\"a\tb\"", "\"\\x\"", "\"\\ud800\"", "\"\\uDC00\"", "\"\\u12\"",
        "\"x\" ", "'x'"})
    void stringsRejected(String json) {
        assertThat(accepts(schema(new JsonStringSchema()), json)).isFalse();
    }

    @Test
    void malformedUtf8Rejected() {
        JsonConstraint s = schema(new JsonStringSchema());
        assertThat(accepts(s, new byte[] {'"', (byte) 0xC3, (byte) 0xA9, '"'})).isTrue();
        assertThat(accepts(s, new byte[] {'"', (byte) 0xC0, (byte) 0x80, '"'})).as("overlong").isFalse();
        assertThat(accepts(s, new byte[] {'"', (byte) 0xE0, (byte) 0x80, (byte) 0x80, '"'})).as("overlong 3").isFalse();
        assertThat(accepts(s, new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'})).as("surrogate").isFalse();
        assertThat(accepts(s, new byte[] {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'})).as(">U+10FFFF").isFalse();
        assertThat(accepts(s, new byte[] {'"', (byte) 0x80, '"'})).as("stray continuation").isFalse();
        assertThat(accepts(s, new byte[] {'"', (byte) 0xC3, '"'})).as("truncated").isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|true|true", "-0|true|true", "42|true|true", "-17|true|true", "3.25|false|true", "-0.5e+10|false|true",
        "1E3|false|true", "01|false|false", "1.|false|false", ".5|false|false", "+1|false|false", "1e|false|false",
        "--1|false|false", "1.5|false|true", "00|false|false"})
    void numbers(String text, boolean integer, boolean number) {
        assertThat(accepts(schema(new JsonIntegerSchema()), text)).as("integer").isEqualTo(integer);
        assertThat(accepts(schema(new JsonNumberSchema()), text)).as("number").isEqualTo(number);
    }

    @Test
    void digitCapsAreEnforced() {
        JsonConstraint c = schema(new JsonIntegerSchema()).withLimits(ConstraintLimits.builder().maxIntegerDigits(3).build());
        assertThat(accepts(c, "123")).isTrue();
        assertThat(accepts(c, "1234")).isFalse();
    }

    static JsonObjectSchema ordered() {
        return JsonObjectSchema.builder()
                .addStringProperty("a").addIntegerProperty("b").addStringProperty("c")
                .required("b").additionalProperties(false).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"b\":1}", "{\"a\":\"x\",\"b\":1}", "{\"b\":1,\"c\":\"y\"}", "{\"a\":\"\",\"b\":-2,\"c\":\"\"}",
        "{ \"b\" : 1 }", "{\n  \"b\": 1\n}"})
    void objectsInDeclaredOrderWithRequiredPresent(String json) {
        assertThat(accepts(schema(ordered()), json)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"a\":\"x\"}", "{\"b\":1,\"a\":\"x\"}", "{\"b\":1,\"b\":2}", "{\"b\":1,\"d\":2}",
        "{\"b\":\"1\"}", "{\"b\":1,}", "{,\"b\":1}"})
    void objectsMissingRequiredOutOfOrderOrUndeclaredRejected(String json) {
        assertThat(accepts(schema(ordered()), json)).isFalse();
    }

    @Test
    void requireAllPropertiesWritesOptionalOnesToo() {
        JsonConstraint c = schema(ordered()).withLimits(ConstraintLimits.builder().requireAllProperties(true).build());
        assertThat(accepts(c, "{\"a\":\"x\",\"b\":1,\"c\":\"y\"}")).isTrue();
        assertThat(accepts(c, "{\"b\":1}")).isFalse();
    }

    @Test
    void whitespaceRunsAreBounded() {
        JsonConstraint c = schema(ordered()).withLimits(ConstraintLimits.builder().maxWhitespace(4).build());
        assertThat(accepts(c, "{    \"b\":1}")).isTrue();
        assertThat(accepts(c, "{     \"b\":1}")).isFalse();
        assertThat(accepts(c, "    {\"b\":1}")).isTrue();
        assertThat(accepts(c, "{\"b\":1}\n")).as("nothing after the value").isFalse();
    }

    @Test
    void stringAndArrayCapsAreEnforced() {
        ConstraintLimits limits = ConstraintLimits.builder().maxStringBytes(3).maxArrayItems(2).build();
        JsonConstraint strings = schema(JsonArraySchema.builder().items(new JsonStringSchema()).build()).withLimits(limits);
        assertThat(accepts(strings, "[\"abc\",\"é\"]")).isTrue();
        assertThat(accepts(strings, "[\"abcd\"]")).isFalse();
        assertThat(accepts(strings, "[\"ab\\n\"]")).as("escape counts 2 bytes").isFalse();
        assertThat(accepts(strings, "[\"a\",\"b\",\"c\"]")).isFalse();
        assertThat(accepts(strings, "[]")).isTrue();
    }

    @Test
    void enumsAndLiterals() {
        JsonConstraint e = schema(dev.langchain4j.model.chat.request.json.JsonEnumSchema.builder()
                .enumValues("LOW", "LOWER", "a\"b").build());
        assertThat(accepts(e, "\"LOW\"")).isTrue();
        assertThat(accepts(e, "\"LOWER\"")).isTrue();
        assertThat(accepts(e, "\"a\\\"b\"")).isTrue();
        assertThat(accepts(e, "\"LOWE\"")).isFalse();
        assertThat(accepts(e, "\"low\"")).isFalse();
        JsonConstraint b = schema(new dev.langchain4j.model.chat.request.json.JsonBooleanSchema());
        assertThat(accepts(b, "true")).isTrue();
        assertThat(accepts(b, "false")).isTrue();
        assertThat(accepts(b, "null")).isFalse();
    }

    @Test
    void recursionStopsAtTheDepthLimitWithoutStrandingTheValue() {
        JsonObjectSchema tree = JsonObjectSchema.builder()
                .addProperty("kids", JsonArraySchema.builder().items(JsonReferenceSchema.builder().reference("t").build()).build())
                .required("kids")
                .definitions(Map.of("t", JsonObjectSchema.builder()
                        .addProperty("kids", JsonArraySchema.builder()
                                .items(JsonReferenceSchema.builder().reference("t").build()).build())
                        .required("kids").build()))
                .build();
        JsonConstraint c = schema(tree).withLimits(ConstraintLimits.builder().maxDepth(6).build());
        assertThat(accepts(c, "{\"kids\":[{\"kids\":[{\"kids\":[]}]}]}")).isTrue();
        assertThat(accepts(c, "{\"kids\":[{\"kids\":[{\"kids\":[{\"kids\":[]}]}]}]}")).isFalse();
        // one level deeper would not leave room for the required "kids" array: '{' is refused, ']' still allowed
        ConstrainedDecoder d = c.start(BYTES);
        for (byte b : "{\"kids\":[{\"kids\":[{\"kids\":[".getBytes(StandardCharsets.UTF_8)) {
            d.accept(b);
        }
        assertThat(d.isAllowed('{')).isFalse();
        assertThat(d.isAllowed(']')).isTrue();
    }

    @Test
    void aReferenceBeforeAFreeFormValueCompiles() {
        // the free-form value (array without items, object without properties) is compiled after the $ref,
        // while that reference is still unresolved
        JsonObjectSchema node = JsonObjectSchema.builder()
                .addProperty("next", JsonReferenceSchema.builder().reference("node").build())
                .addProperty("extra", JsonObjectSchema.builder().build()).build();
        JsonConstraint c = schema(JsonObjectSchema.builder()
                .addProperty("head", JsonReferenceSchema.builder().reference("node").build())
                .addProperty("tags", JsonArraySchema.builder().build())
                .required("head", "tags").definitions(Map.of("node", node)).build());
        assertThat(accepts(c, "{\"head\":{\"next\":{},\"extra\":{\"a\":[1]}},\"tags\":[\"x\",null]}")).isTrue();
        assertThat(accepts(c, "{\"head\":{\"other\":1},\"tags\":[]}")).isFalse();
    }

    @Test
    void eachToolsReferencesResolveToItsOwnDefinitions() {
        // two tools whose parameters both define "item", differently: each $ref means its own tool's definition
        JsonReferenceSchema item = JsonReferenceSchema.builder().reference("#/$defs/item").build();
        ToolSpecification a = ToolSpecification.builder().name("a").parameters(JsonObjectSchema.builder()
                .addProperty("it", item).required("it")
                .definitions(Map.of("item", JsonObjectSchema.builder().addIntegerProperty("x").required("x").build()))
                .build()).build();
        ToolSpecification b = ToolSpecification.builder().name("b").parameters(JsonObjectSchema.builder()
                .addProperty("it", item).required("it")
                .definitions(Map.of("item", JsonObjectSchema.builder().addStringProperty("y").required("y").build()))
                .build()).build();
        JsonConstraint c = JsonConstraint.forToolCall(List.of(a, b));
        assertThat(accepts(c, "{\"name\":\"a\",\"arguments\":{\"it\":{\"x\":1}}}")).isTrue();
        assertThat(accepts(c, "{\"name\":\"b\",\"arguments\":{\"it\":{\"y\":\"s\"}}}")).isTrue();
        assertThat(accepts(c, "{\"name\":\"b\",\"arguments\":{\"it\":{\"x\":1}}}")).isFalse();
    }

    @Test
    void nestedAmbiguousAlternativesStayBoundedAndValid() {
        // both alternatives share their first members, so every nesting level doubles the open parses
        JsonReferenceSchema comment = JsonReferenceSchema.builder().reference("comment").build();
        JsonArraySchema replies = JsonArraySchema.builder().items(comment).build();
        JsonObjectSchema schema = JsonObjectSchema.builder().addProperty("root", comment).required("root")
                .definitions(Map.of("comment", JsonAnyOfSchema.builder().anyOf(
                        JsonObjectSchema.builder().addStringProperty("text").addProperty("replies", replies)
                                .required("text", "replies").build(),
                        JsonObjectSchema.builder().addStringProperty("text").addProperty("replies", replies)
                                .addStringProperty("author").required("text", "replies", "author").build()).build()))
                .build();
        ConstrainedDecoder d = schema(schema).start(BYTES);
        String json = "{\"root\":" + "{\"text\":\"x\",\"replies\":[".repeat(12) + "]}"
                + "]}".repeat(11) + "}";
        for (byte b : json.getBytes(StandardCharsets.UTF_8)) {
            assertThat(d.isAllowed(b & 0xFF)).as("after %s", d.text()).isTrue();
            d.accept(b & 0xFF);
            assertThat(d.state().stacks().length).isLessThanOrEqualTo(ConstrainedDecoder.MAX_PARSES);
        }
        assertThat(d.isComplete()).isTrue();
    }

    @Test
    void wideObjectsCompileAndSkipOptionalProperties() {
        JsonObjectSchema.Builder b = JsonObjectSchema.builder();
        for (int i = 0; i < 300; i++) {
            b.addIntegerProperty("property_number_" + i);
        }
        JsonConstraint c = schema(b.required("property_number_299").build());
        assertThat(accepts(c, "{\"property_number_7\":1,\"property_number_70\":2,\"property_number_299\":3}")).isTrue();
        assertThat(accepts(c, "{\"property_number_70\":1,\"property_number_7\":2,\"property_number_299\":3}")).isFalse();
        assertThat(accepts(c, "{\"property_number_7\":1}")).isFalse();
    }

    @Test
    void unsatisfiableAndUnsupportedSchemasFailClearly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JsonConstraint.forSchema(
                        dev.langchain4j.model.chat.request.json.JsonRawSchema.from("{\"type\":\"string\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JsonRawSchema");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JsonConstraint.forSchema(JsonObjectSchema.builder()
                        .addProperty("x", JsonReferenceSchema.builder().reference("missing").build()).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved $ref 'missing'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JsonConstraint.forSchema(JsonObjectSchema.builder()
                        .addStringProperty("x").required("y").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requires property 'y'");
        JsonObjectSchema infinite = JsonObjectSchema.builder()
                .addProperty("next", JsonReferenceSchema.builder().reference("n").build()).required("next")
                .definitions(Map.of("n", JsonObjectSchema.builder()
                        .addProperty("next", JsonReferenceSchema.builder().reference("n").build()).required("next").build()))
                .build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JsonConstraint.forSchema(infinite))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no finite instance");
        JsonObjectSchema leftRecursive = JsonObjectSchema.builder()
                .addProperty("x", JsonReferenceSchema.builder().reference("a").build())
                .definitions(Map.of(
                        "a", dev.langchain4j.model.chat.request.json.JsonAnyOfSchema.builder().anyOf(
                                JsonReferenceSchema.builder().reference("b").build(), new JsonStringSchema()).build(),
                        "b", JsonReferenceSchema.builder().reference("a").build()))
                .build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JsonConstraint.forSchema(leftRecursive))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("left-recursive");
    }

    @Test
    void optionalPropertyWithoutFiniteValueIsNeverOffered() {
        JsonObjectSchema loop = JsonObjectSchema.builder()
                .addProperty("next", JsonReferenceSchema.builder().reference("n").build()).required("next").build();
        JsonObjectSchema schema = JsonObjectSchema.builder()
                .addStringProperty("name")
                .addProperty("chain", JsonReferenceSchema.builder().reference("n").build())
                .required("name")
                .definitions(Map.of("n", loop))
                .build();
        JsonConstraint c = schema(schema);
        assertThat(accepts(c, "{\"name\":\"x\"}")).isTrue();
        assertThat(accepts(c, "{\"name\":\"x\",\"ch")).isFalse();
    }

    @Test
    void plainJsonMode() {
        JsonConstraint any = JsonConstraint.anyJson();
        for (String ok : List.of("1", "\"s\"", "null", "[1,{\"a\":[true,false]}]", "{\"k\":{\"k\":\"v\"},\"k2\":-1.5e3}", "{}", "[]")) {
            assertThat(accepts(any, ok)).as(ok).isTrue();
        }
        for (String bad : List.of("{\"a\"}", "[1,]", "{'a':1}", "nul", "{\"a\":1,}", "tru")) {
            assertThat(accepts(any, bad)).as(bad).isFalse();
        }
        assertThat(accepts(JsonConstraint.anyJsonObject(), "[1]")).isFalse();
        assertThat(accepts(JsonConstraint.anyJsonObject(), "{\"a\":[1]}")).isTrue();
    }
}
