package dev.titans4j.t2.constrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference side of the property tests: LangChain4j's own JsonSchemaElement-to-JSON-Schema conversion
 * and the networknt validator (draft 2020-12), both independent of the grammar under test.
 */
final class JsonSchemaText {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private JsonSchemaText() {
    }

    static String of(JsonSchemaElement root) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        map.putAll(JsonSchemaElementJsonUtils.toMap(root));
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Schema validator(JsonSchemaElement root) {
        return REGISTRY.getSchema(of(root), InputFormat.JSON);
    }

    /** Validation errors of {@code json} (empty when valid). */
    static List<Error> errors(Schema schema, String json) {
        return schema.validate(json, InputFormat.JSON);
    }
}
