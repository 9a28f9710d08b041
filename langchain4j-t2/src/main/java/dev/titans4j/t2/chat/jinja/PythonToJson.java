package dev.titans4j.t2.chat.jinja;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import dev.titans4j.t2.tools.PythonJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * The {@code tojson} filter as transformers defines it for chat templates: {@code json.dumps(x, ensure_ascii=False,
 * indent=indent)} (separators {@code ", "} and {@code ": "}, keys in their order), where Jinjava's own filter
 * writes compact JSON.
 */
final class PythonToJson implements Filter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return filter(var, interpreter, args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
        JsonNode node = node(var);
        return indent == null ? PythonJson.dumps(node) : PythonJson.dumps(node, ((Number) number(indent)).intValue());
    }

    private static Object number(Object indent) {
        return indent instanceof Number ? indent : Long.parseLong(indent.toString());
    }

    static JsonNode node(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), node(v)));
            return object;
        }
        if (value instanceof Iterable<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(item -> array.add(node(item)));
            return array;
        }
        if (value instanceof Object[] list) {
            ArrayNode array = NODES.arrayNode();
            for (Object item : list) {
                array.add(node(item));
            }
            return array;
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).longValue());
        }
        if (value instanceof BigInteger i) {
            return NODES.numberNode(i);
        }
        if (value instanceof BigDecimal d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Number n) {
            return NODES.numberNode(n.doubleValue());
        }
        return NODES.textNode(value.toString());
    }
}
