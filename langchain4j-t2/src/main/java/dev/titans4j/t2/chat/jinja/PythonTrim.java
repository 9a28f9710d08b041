package dev.titans4j.t2.chat.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import dev.titans4j.t2.chat.Strip;

/**
 * jinja2's {@code trim} filter: {@code str(value).strip(chars)}, with Python's whitespace (no-break spaces and
 * U+0085 included, control characters other than U+001C to U+001F not), where Jinjava's strips every character up
 * to U+0020 and nothing above it.
 */
final class PythonTrim implements Filter {

    @Override
    public String getName() {
        return "trim";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        String s = var == null ? "None" : interpreter.getAsString(var);
        return args.length == 0 || args[0] == null ? Strip.whitespace(s) : PythonMethods.strip(s, args[0], true, true);
    }
}
