package dev.titans4j.t2.constrain;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.service.output.ServiceOutputParser;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The schemas of the property tests: hand-written ones covering every LangChain4j schema element kind, and
 * the schemas AiServices itself sends for the service interfaces of LangChain4j's
 * {@code AbstractAiServiceWithJsonSchemaIT} (records, POJOs, enums, lists, sets, polymorphic and recursive types).
 */
final class SchemaCorpus {

    /** {@code javaType}: the AI-service return type the schema was derived from, or null. */
    record Entry(String name, JsonSchemaElement schema, java.lang.reflect.Type javaType) {
        Entry(String name, JsonSchemaElement schema) {
            this(name, schema, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final String IT = "dev.langchain4j.service.common.AbstractAiServiceWithJsonSchemaIT$";

    private SchemaCorpus() {
    }

    static List<Entry> all() {
        List<Entry> e = new ArrayList<>(handWritten());
        e.addAll(aiServicesSchemas());
        return e;
    }

    /** The AI-service interfaces of LangChain4j's AbstractAiServiceWithJsonSchemaIT (local and nested types). */
    private static final List<String> EXTRACTORS = List.of("1AnimalExtractor", "1AnimalsExtractor",
            "1BooleanExtractor", "1DoubleExtractor", "1EnumExtractor", "1EnumListExtractor", "1EnumSetExtractor",
            "1ExpressionExtractor", "1FloatExtractor", "1IntExtractor", "1IntegerExtractor",
            "1ListOfStringsExtractor", "1LongExtractor", "1OwnerExtractor", "1PeopleExtractor", "1PersonExtractor",
            "1PojoSetExtractor", "1SetOfStringsExtractor", "2PeopleExtractor", "2PersonExtractor",
            "3PersonExtractor", "4PersonExtractor", "PersonExtractor1", "PersonExtractor2", "PersonExtractor3",
            "PersonExtractor4", "PersonExtractor5", "PersonExtractor6", "PersonExtractor7", "PersonExtractor8",
            "PersonExtractor10", "PersonExtractor11", "PersonExtractor12", "PersonExtractor13", "PersonExtractor16");

    /**
     * Exactly the schemas AiServices sends for those interfaces' return types ({@code ServiceOutputParser},
     * which wraps primitives/enums as {@code {"value": ...}} and collections as {@code {"values": [...]}}),
     * distinct ones only.
     */
    static List<Entry> aiServicesSchemas() {
        ServiceOutputParser parser = new ServiceOutputParser();
        Map<String, Entry> distinct = new LinkedHashMap<>();
        for (String name : EXTRACTORS) {
            Class<?> type;
            try {
                type = Class.forName(IT + name);
            } catch (ClassNotFoundException ex) {
                throw new IllegalStateException("LangChain4j test type missing: " + name, ex);
            }
            for (Method m : type.getDeclaredMethods()) {
                if (m.isSynthetic() || Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                parser.jsonSchema(m.getGenericReturnType()).ifPresent(schema -> distinct.putIfAbsent(
                        JsonSchemaText.of(schema.rootElement()),
                        new Entry("aiservices:" + name + "." + m.getName(), schema.rootElement(),
                                m.getGenericReturnType())));
            }
        }
        return new ArrayList<>(distinct.values());
    }

    private static JsonObjectSchema person(boolean allRequired) {
        JsonObjectSchema.Builder b = JsonObjectSchema.builder()
                .addStringProperty("name")
                .addIntegerProperty("age")
                .addNumberProperty("height")
                .addBooleanProperty("married");
        if (allRequired) {
            b.required("name", "age", "height", "married").additionalProperties(false);
        }
        return b.build();
    }

    private static JsonObjectSchema address() {
        return JsonObjectSchema.builder()
                .addStringProperty("street").addStringProperty("city").addIntegerProperty("zip")
                .required("street", "city").build();
    }

    static List<Entry> handWritten() {
        List<Entry> e = new ArrayList<>();
        e.add(new Entry("flat, all required", person(true)));
        e.add(new Entry("flat, all optional", person(false)));
        e.add(new Entry("nested object", JsonObjectSchema.builder()
                .addStringProperty("name").addProperty("address", address()).required("name", "address").build()));
        e.add(new Entry("array of strings", JsonObjectSchema.builder()
                .addProperty("tags", JsonArraySchema.builder().items(new JsonStringSchema()).build())
                .required("tags").build()));
        e.add(new Entry("array of objects", JsonObjectSchema.builder()
                .addProperty("people", JsonArraySchema.builder().items(person(true)).build())
                .required("people").build()));
        e.add(new Entry("enum property", JsonObjectSchema.builder()
                .addEnumProperty("status", List.of("ACTIVE", "INACTIVE", "PENDING"))
                .addStringProperty("note").required("status").build()));
        e.add(new Entry("root enum", JsonEnumSchema.builder().enumValues("LOW", "MEDIUM", "HIGH", "MED").build()));
        e.add(new Entry("root string", new JsonStringSchema()));
        e.add(new Entry("root integer", new JsonIntegerSchema()));
        e.add(new Entry("root number", new JsonNumberSchema()));
        e.add(new Entry("root boolean", new JsonBooleanSchema()));
        e.add(new Entry("root array of integers", JsonArraySchema.builder().items(new JsonIntegerSchema()).build()));
        e.add(new Entry("anyOf string|integer", JsonObjectSchema.builder()
                .addProperty("id", JsonAnyOfSchema.builder().anyOf(new JsonStringSchema(), new JsonIntegerSchema()).build())
                .required("id").build()));
        e.add(new Entry("anyOf objects with discriminator", JsonObjectSchema.builder()
                .addProperty("shape", JsonAnyOfSchema.builder().anyOf(
                        JsonObjectSchema.builder().addEnumProperty("kind", List.of("circle"))
                                .addNumberProperty("radius").required("kind", "radius").build(),
                        JsonObjectSchema.builder().addEnumProperty("kind", List.of("rect"))
                                .addNumberProperty("width").addNumberProperty("height")
                                .required("kind", "width", "height").build()).build())
                .required("shape").build()));
        e.add(new Entry("anyOf objects sharing a prefix", JsonAnyOfSchema.builder().anyOf(
                JsonObjectSchema.builder().addStringProperty("a").addIntegerProperty("b").required("a", "b")
                        .additionalProperties(false).build(),
                JsonObjectSchema.builder().addStringProperty("a").addBooleanProperty("c").required("a", "c")
                        .additionalProperties(false).build()).build()));
        e.add(new Entry("recursive $ref tree", JsonObjectSchema.builder()
                .addProperty("root", JsonReferenceSchema.builder().reference("node").build())
                .required("root")
                .definitions(Map.of("node", JsonObjectSchema.builder()
                        .addStringProperty("label")
                        .addProperty("children", JsonArraySchema.builder()
                                .items(JsonReferenceSchema.builder().reference("node").build()).build())
                        .required("label", "children").build()))
                .build()));
        e.add(new Entry("$ref reused", JsonObjectSchema.builder()
                .addProperty("home", JsonReferenceSchema.builder().reference("address").build())
                .addProperty("work", JsonReferenceSchema.builder().reference("address").build())
                .required("home")
                .definitions(Map.of("address", address()))
                .build()));
        e.add(new Entry("nullable via anyOf null", JsonObjectSchema.builder()
                .addProperty("middleName", JsonAnyOfSchema.builder().anyOf(new JsonStringSchema(), new JsonNullSchema()).build())
                .addProperty("nothing", new JsonNullSchema())
                .required("middleName", "nothing").build()));
        e.add(new Entry("free-form map", JsonObjectSchema.builder()
                .addProperty("attributes", JsonObjectSchema.builder().build()).required("attributes").build()));
        e.add(new Entry("empty closed object", JsonObjectSchema.builder().additionalProperties(false).build()));
        e.add(new Entry("deeply nested", JsonObjectSchema.builder().addProperty("a", JsonObjectSchema.builder()
                .addProperty("b", JsonObjectSchema.builder().addProperty("c", JsonObjectSchema.builder()
                        .addIntegerProperty("d").required("d").build()).required("c").build()).required("b").build())
                .required("a").build()));
        e.add(new Entry("matrix", JsonObjectSchema.builder().addProperty("rows", JsonArraySchema.builder()
                .items(JsonArraySchema.builder().items(new JsonNumberSchema()).build()).build()).required("rows").build()));
        e.add(new Entry("awkward keys", JsonObjectSchema.builder()
                .addStringProperty("first name").addStringProperty("quote\"d").addStringProperty("back\\slash")
                .addStringProperty("ünïcödé").addIntegerProperty("").required("first name", "quote\"d", "back\\slash", "ünïcödé", "")
                .build()));
        e.add(new Entry("awkward enum values", JsonObjectSchema.builder()
                .addEnumProperty("v", List.of("a\"b", "tab\tx", "日本", "", "back\\", "a\"bc")).required("v").build()));
        e.add(new Entry("interleaved optional/required", JsonObjectSchema.builder()
                .addStringProperty("o1").addStringProperty("r1").addIntegerProperty("o2").addIntegerProperty("o3")
                .addBooleanProperty("r2").addNumberProperty("o4").required("r1", "r2").build()));
        e.add(new Entry("tool call, two tools", JsonConstraint.toolCallSchema(List.of(
                ToolSpecification.builder().name("get_weather").parameters(JsonObjectSchema.builder()
                        .addStringProperty("city").addEnumProperty("unit", List.of("C", "F")).required("city").build()).build(),
                ToolSpecification.builder().name("get_time").build()))));
        e.add(new Entry("AiServices list wrapper", JsonObjectSchema.builder()
                .addProperty("values", JsonArraySchema.builder().items(person(false)).build()).required("values").build()));
        e.add(new Entry("root anyOf array|object", JsonAnyOfSchema.builder().anyOf(
                JsonArraySchema.builder().items(new JsonBooleanSchema()).build(),
                JsonObjectSchema.builder().addIntegerProperty("n").required("n").build()).build()));
        e.add(new Entry("array items anyOf enum|number", JsonArraySchema.builder().items(JsonAnyOfSchema.builder()
                .anyOf(JsonEnumSchema.builder().enumValues("none", "all").build(), new JsonNumberSchema()).build()).build()));
        e.add(new Entry("array without item schema", JsonObjectSchema.builder()
                .addProperty("anything", JsonArraySchema.builder().build()).required("anything").build()));
        return e;
    }
}
