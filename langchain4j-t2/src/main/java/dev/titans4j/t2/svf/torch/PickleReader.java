package dev.titans4j.t2.svf.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A minimal unpickler for what {@code torch.save} writes for a dict of tensors (protocol 2, also the protocol 4
 * framing opcodes): dicts, tuples, lists, ints, floats, strings, booleans, None, memo, globals, {@code REDUCE},
 * persistent ids and {@code BUILD} on a dict (a saved {@code state_dict()} is an OrderedDict whose
 * {@code _metadata} attribute, the modules' versions, is pickled as its state; it is read and dropped). It never runs code: a {@code GLOBAL} becomes a {@link Global} value, and {@code REDUCE} calls
 * {@code reducer}, which accepts only the callables it knows. Anything else fails with the opcode and offset.
 */
final class PickleReader {

    /** A reference to a Python global ({@code module.name}); never resolved to code. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** Applies a known callable to its arguments; throws for unknown ones. */
    interface Reducer {
        Object reduce(Global callable, List<Object> args);
    }

    private static final Object MARK = new Object();
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private final ByteBuffer in;
    private final Reducer reducer;
    private final Function<List<Object>, Object> persistentLoad;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private PickleReader(byte[] data, Reducer reducer, Function<List<Object>, Object> persistentLoad) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.reducer = reducer;
        this.persistentLoad = persistentLoad;
    }

    static Object load(byte[] data, Reducer reducer, Function<List<Object>, Object> persistentLoad) {
        return new PickleReader(data, reducer, persistentLoad).run();
    }

    private Object run() {
        try {
            while (true) {
                int at = in.position();
                int op = in.get() & 0xff;
                switch (op) {
                    case 0x80 -> in.get(); // PROTO n
                    case 0x95 -> in.getLong(); // FRAME (protocol 4)
                    case '.' -> { // STOP
                        return pop();
                    }
                    case '(' -> stack.add(MARK);
                    case ')' -> push(List.of());
                    case 't' -> push(List.copyOf(popMark()));
                    case 0x85 -> push(List.of(pop()));
                    case 0x86 -> {
                        Object b = pop();
                        push(List.of(pop(), b));
                    }
                    case 0x87 -> {
                        Object c = pop();
                        Object b = pop();
                        push(List.of(pop(), b, c));
                    }
                    case '}' -> push(new LinkedHashMap<Object, Object>());
                    case ']' -> push(new ArrayList<Object>());
                    case 'a' -> {
                        Object v = pop();
                        asList(peek(), at).add(v);
                    }
                    case 'e' -> {
                        List<Object> items = popMark();
                        asList(peek(), at).addAll(items);
                    }
                    case 's' -> {
                        Object v = pop();
                        Object k = pop();
                        asMap(peek(), at).put(key(k, at), v);
                    }
                    case 'u' -> {
                        List<Object> items = popMark();
                        Map<Object, Object> map = asMap(peek(), at);
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            map.put(key(items.get(i), at), items.get(i + 1));
                        }
                    }
                    case 'q' -> memo.put(in.get() & 0xff, peek());
                    case 'r' -> memo.put(in.getInt(), peek());
                    case 0x94 -> memo.put(memo.size(), peek()); // MEMOIZE
                    case 'h' -> push(memoGet(in.get() & 0xff, at));
                    case 'j' -> push(memoGet(in.getInt(), at));
                    case 'J' -> push((long) in.getInt());
                    case 'K' -> push((long) (in.get() & 0xff));
                    case 'M' -> push((long) (in.getShort() & 0xffff));
                    case 0x8a -> push(long1(in.get() & 0xff, at));
                    case 'G' -> push(in.order(ByteOrder.BIG_ENDIAN).getDouble());
                    case 'X' -> push(string(in.getInt(), at));
                    case 0x8c -> push(string(in.get() & 0xff, at)); // SHORT_BINUNICODE
                    case 'T' -> push(string(in.getInt(), at)); // BINSTRING (latin-1 in Python 2; names are ASCII)
                    case 'U' -> push(string(in.get() & 0xff, at)); // SHORT_BINSTRING
                    case 'N' -> push(NONE);
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'c' -> push(new Global(line(), line()));
                    case 0x93 -> { // STACK_GLOBAL
                        Object name = pop();
                        Object module = pop();
                        if (!(module instanceof String m) || !(name instanceof String n)) {
                            throw error(at, "STACK_GLOBAL of a " + describe(module) + " and a " + describe(name));
                        }
                        push(new Global(m, n));
                    }
                    case 'Q' -> push(persistentLoad.apply(asTuple(pop(), at)));
                    case 'R' -> {
                        List<Object> args = asTuple(pop(), at);
                        Object callable = pop();
                        if (!(callable instanceof Global g)) {
                            throw error(at, "REDUCE on a non-global " + describe(callable));
                        }
                        push(reducer.reduce(g, args));
                    }
                    case 'b' -> { // BUILD: instance attributes; a dict's (state_dict()._metadata) are not needed
                        Object state = pop();
                        Object target = pop();
                        if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?>)) {
                            throw error(at, "BUILD of a " + describe(target) + " with state " + describe(state));
                        }
                        push(target);
                    }
                    default -> throw error(at, String.format("unsupported pickle opcode 0x%02x", op));
                }
                in.order(ByteOrder.LITTLE_ENDIAN);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("The pickle ends in the middle of an instruction (truncated file?)");
        }
    }

    private IllegalArgumentException error(int at, String message) {
        return new IllegalArgumentException(message + " at byte " + at + " of data.pkl; this reader handles what"
                + " torch.save writes for a dict of tensors");
    }

    private Object memoGet(int key, int at) {
        if (!memo.containsKey(key)) {
            throw error(at, "memo entry " + key + " read before it was written");
        }
        return memo.get(key);
    }

    private long long1(int n, int at) {
        if (n > 8) {
            throw error(at, "integer of " + n + " bytes");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (in.get() & 0xffL) << (8 * i);
        }
        if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) {
            v -= 1L << (8 * n); // two's complement of n bytes
        }
        return v;
    }

    /** A length read from the file is checked before anything of that size is allocated. */
    private String string(int length, int at) {
        if (length < 0 || length > in.remaining()) {
            throw error(at, "string of " + Integer.toUnsignedString(length) + " bytes, but " + in.remaining()
                    + " bytes are left (truncated or damaged file?)");
        }
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        byte b;
        while ((b = in.get()) != '\n') {
            sb.append((char) b);
        }
        return sb.toString();
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty()) {
            throw new IllegalArgumentException("Pickle stack underflow in data.pkl");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw new IllegalArgumentException("Pickle stack underflow in data.pkl");
        }
        return stack.get(stack.size() - 1);
    }

    /**
     * Dict keys are scalars, as in every state dict: a list or dict key (unhashable in Python) could contain itself,
     * and hashing it would never end.
     */
    private Object key(Object k, int at) {
        if (k instanceof String || k instanceof Long || k instanceof Double || k instanceof Boolean || k == NONE
                || k instanceof Global) {
            return k;
        }
        throw error(at, "dict key of type " + describe(k));
    }

    /** A value's type for messages: printing a value itself could recurse without end (a list holding itself). */
    static String describe(Object o) {
        return o == null ? "null" : o == NONE ? "None" : o == MARK ? "MARK" : o instanceof Global g ? "global " + g
                : o.getClass().getSimpleName();
    }

    private List<Object> popMark() {
        int mark = stack.lastIndexOf(MARK);
        if (mark < 0) {
            throw new IllegalArgumentException("Pickle MARK missing in data.pkl");
        }
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o, int at) {
        if (o instanceof ArrayList<?> list) {
            return (List<Object>) list;
        }
        throw error(at, "APPEND to a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o, int at) {
        if (o instanceof Map<?, ?> map) {
            return (Map<Object, Object>) map;
        }
        throw error(at, "SETITEM on a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> asTuple(Object o, int at) {
        if (o instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw error(at, "expected a tuple, got a " + describe(o));
    }
}
