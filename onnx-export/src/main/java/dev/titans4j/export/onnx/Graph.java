package dev.titans4j.export.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** An ONNX graph under construction: inputs, outputs, nodes and initializers, with unique value names. */
public final class Graph {

    public static final String MS_DOMAIN = "com.microsoft";

    private final String name;
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Initializer> initializers = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private int counter;

    public Graph(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public List<ValueInfo> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<ValueInfo> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public List<Initializer> initializers() {
        return Collections.unmodifiableList(initializers);
    }

    public String input(String valueName, ElemType type, Object... dims) {
        claim(valueName);
        inputs.add(ValueInfo.of(valueName, type, dims));
        return valueName;
    }

    /** Declares {@code valueName} (already produced by a node) as a graph output. */
    public void output(String valueName, ElemType type, Object... dims) {
        outputs.add(ValueInfo.of(valueName, type, dims));
    }

    public String initializer(String valueName, ElemType type, long[] dims, TensorData data) {
        claim(valueName);
        initializers.add(new Initializer(valueName, type, dims.clone(), data));
        return valueName;
    }

    /** A small int64 constant (shape arguments, axes). */
    public String constLongs(String hint, long... values) {
        return initializer(fresh(hint), ElemType.INT64, new long[] {values.length}, TensorData.ofLongs(values));
    }

    public String constScalarFloat(String hint, float value) {
        return initializer(fresh(hint), ElemType.FLOAT, new long[0], TensorData.ofFloats(new float[] {value}));
    }

    /** Starts a node of the default (ai.onnx) domain. */
    public NodeBuilder op(String opType) {
        return new NodeBuilder(opType, "");
    }

    /** Starts a node of the com.microsoft contrib domain. */
    public NodeBuilder msOp(String opType) {
        return new NodeBuilder(opType, MS_DOMAIN);
    }

    /** An unused value name starting with {@code hint} (claimed when a node or initializer takes it). */
    public String fresh(String hint) {
        String candidate = hint;
        while (names.contains(candidate)) {
            candidate = hint + "_" + (++counter);
        }
        return candidate;
    }

    private void claim(String valueName) {
        if (!names.add(valueName)) {
            throw new IllegalArgumentException("duplicate value name " + valueName);
        }
    }

    /** Fluent builder of one node; {@link #build()} adds it and returns its first output name. */
    public final class NodeBuilder {
        private final String opType;
        private final String domain;
        private final List<String> in = new ArrayList<>();
        private final List<String> out = new ArrayList<>();
        private final List<Attribute> attrs = new ArrayList<>();
        private String nodeName;

        private NodeBuilder(String opType, String domain) {
            this.opType = opType;
            this.domain = domain;
        }

        public NodeBuilder in(String... values) {
            in.addAll(Arrays.asList(values));
            return this;
        }

        /** Named outputs; names must be unused. An empty string leaves an optional output unbound. */
        public NodeBuilder out(String... values) {
            for (String v : values) {
                if (!v.isEmpty()) {
                    claim(v);
                }
                out.add(v);
            }
            return this;
        }

        public NodeBuilder name(String value) {
            nodeName = value;
            return this;
        }

        public NodeBuilder attr(String attrName, long value) {
            attrs.add(Attribute.of(attrName, value));
            return this;
        }

        public NodeBuilder attr(String attrName, float value) {
            attrs.add(Attribute.of(attrName, value));
            return this;
        }

        public NodeBuilder attr(String attrName, String value) {
            attrs.add(Attribute.of(attrName, value));
            return this;
        }

        public NodeBuilder ints(String attrName, long... values) {
            attrs.add(Attribute.ints(attrName, values));
            return this;
        }

        public String build() {
            String base = nodeName != null ? nodeName : opType;
            if (out.isEmpty()) {
                String name = fresh(base + "_out");
                claim(name);
                out.add(name);
            }
            nodes.add(new Node(base + "_" + nodes.size(), opType, domain, List.copyOf(in), List.copyOf(out),
                    List.copyOf(attrs)));
            return out.get(0);
        }
    }
}
