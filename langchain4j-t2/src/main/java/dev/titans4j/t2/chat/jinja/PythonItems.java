package dev.titans4j.t2.chat.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * jinja2 3.1's {@code items} filter ({@code {% for k, v in tool.parameters.properties | items %}}): the pairs of a
 * mapping, empty for undefined. Jinjava has no such filter and drops an unknown one silently, which looped over
 * nothing.
 */
final class PythonItems implements Filter {

    @Override
    public String getName() {
        return "items";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        List<List<Object>> items = new ArrayList<>();
        if (var == null) {
            return items;
        }
        if (!(var instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("items: can only get item pairs from a mapping, not "
                    + var.getClass().getSimpleName());
        }
        map.forEach((k, v) -> items.add(Arrays.asList(k, v)));
        return items;
    }
}
