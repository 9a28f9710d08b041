package dev.titans4j.t2.chat.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import java.util.Map;

/**
 * jinja2's {@code iterable} test: strings and dicts are iterable too, where Jinjava's says false for both. Llama
 * 3.1/3.2's templates write a tool result that "is mapping or is iterable" through {@code tojson}.
 */
final class PythonIsIterable implements ExpTest {

    @Override
    public String getName() {
        return "iterable";
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
        return var instanceof Iterable<?> || var instanceof Map<?, ?> || var instanceof CharSequence
                || (var != null && var.getClass().isArray());
    }
}
