package dev.titans4j.t2.chat.jinja;

import com.hubspot.jinjava.el.ext.NamedParameter;
import dev.titans4j.t2.chat.Strip;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * The Python {@code str} and {@code dict} methods that chat templates call ({@code content.startswith('<think>')},
 * {@code content.split('</think>')[-1]}, {@code tool.items()}...), which Jinjava would otherwise look up as Java
 * methods (missing, or with other semantics: Java's {@code split} takes a regex and drops trailing empty parts).
 * Consulted before Jinjava's own resolver; anything else falls through to it.
 */
final class PythonMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(method instanceof String name)) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result;
        if (base instanceof String s) {
            result = string(s, name, args);
        } else if (base instanceof Map<?, ?> map) {
            result = dict(map, name, args);
        } else {
            return null;
        }
        if (result != NOT_HANDLED) {
            context.setPropertyResolved(true);
            return result;
        }
        return null;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object string(String s, String name, Object[] args) {
        return switch (name) {
            case "startswith" -> args.length == 1 ? anyMatch(args[0], s::startsWith) : NOT_HANDLED;
            case "endswith" -> args.length == 1 ? anyMatch(args[0], s::endsWith) : NOT_HANDLED;
            case "strip" -> noChars(args) ? Strip.whitespace(s) : strip(s, chars(args[0]), true, true);
            case "lstrip" -> noChars(args) ? Strip.leadingWhitespace(s) : strip(s, chars(args[0]), true, false);
            case "rstrip" -> noChars(args) ? Strip.trailingWhitespace(s) : strip(s, chars(args[0]), false, true);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "split" -> split(s, args);
            case "replace" -> args.length == 2 ? s.replace(chars(args[0]), chars(args[1])) : NOT_HANDLED;
            default -> NOT_HANDLED;
        };
    }

    private static Object dict(Map<?, ?> map, String name, Object[] args) {
        return switch (name) {
            case "items" -> {
                List<List<Object>> items = new ArrayList<>();
                map.forEach((k, v) -> items.add(Arrays.asList(k, v)));
                yield items;
            }
            case "keys" -> new ArrayList<>(map.keySet());
            case "values" -> new ArrayList<>(map.values());
            case "get" -> args.length == 1 || args.length == 2
                    ? (map.containsKey(args[0]) ? map.get(args[0]) : args.length == 2 ? args[1] : null)
                    : NOT_HANDLED;
            default -> NOT_HANDLED;
        };
    }

    /** {@code startswith} takes a string or a tuple of strings. */
    private static boolean anyMatch(Object prefixes, java.util.function.Predicate<String> test) {
        if (prefixes instanceof Iterable<?> list) {
            for (Object p : list) {
                if (test.test(chars(p))) {
                    return true;
                }
            }
            return false;
        }
        return test.test(chars(prefixes));
    }

    private static String chars(Object o) {
        return o == null ? "None" : o.toString();
    }

    /** {@code strip()} and {@code strip(None)} strip Python's whitespace. */
    private static boolean noChars(Object[] args) {
        return args.length == 0 || args[0] == null;
    }

    static String strip(String s, String chars, boolean leading, boolean trailing) {
        int start = 0;
        int end = s.length();
        while (leading && start < end && chars.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (trailing && end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Python's {@code str.split(sep=None, maxsplit=-1)}, its arguments positional or named. */
    private static Object split(String s, Object[] args) {
        Object sep = null;
        Object maxsplit = -1;
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof NamedParameter named) {
                switch (named.getName()) {
                    case "sep" -> sep = named.getValue();
                    case "maxsplit" -> maxsplit = named.getValue();
                    default -> {
                        return NOT_HANDLED;
                    }
                }
            } else if (i == 0) {
                sep = args[0];
            } else if (i == 1) {
                maxsplit = args[1];
            } else {
                return NOT_HANDLED;
            }
        }
        if (!(maxsplit instanceof Number max)) {
            return NOT_HANDLED;
        }
        int limit = max.longValue() < 0 || max.longValue() > Integer.MAX_VALUE ? Integer.MAX_VALUE : max.intValue();
        return sep == null ? whitespaceSplit(s, limit) : split(s, chars(sep), limit);
    }

    /** Python's {@code str.split(sep, maxsplit)}: literal separator, empty parts kept. */
    private static List<String> split(String s, String sep, int maxsplit) {
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int at = s.indexOf(sep); at >= 0 && parts.size() < maxsplit; at = s.indexOf(sep, from)) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    /**
     * Python's {@code str.split(None, maxsplit)}: runs of Python's whitespace separate, no empty parts; after
     * {@code maxsplit} splits the rest is one part, its leading whitespace dropped.
     */
    private static List<String> whitespaceSplit(String s, int maxsplit) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && Strip.isPythonWhitespace(s.charAt(i))) {
                i++;
            }
            if (parts.size() == maxsplit && i < s.length()) {
                parts.add(s.substring(i));
                break;
            }
            int from = i;
            while (i < s.length() && !Strip.isPythonWhitespace(s.charAt(i))) {
                i++;
            }
            if (i > from) {
                parts.add(s.substring(from, i));
            }
        }
        return parts;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // read-only: Jinjava's resolver handles assignments
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
