package dev.titans4j.t2.constrain;

import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a LangChain4j {@link JsonSchemaElement} tree into grammar {@link Spec}s. {@code $ref}s
 * ({@code "X"}, {@code "#/$defs/X"}, {@code "#/definitions/X"}) resolve after compilation, so recursive schemas
 * work (bounded by {@link ConstraintLimits#maxDepth()}): to the definition of the nearest enclosing object schema
 * that has one by that name (a tool-call schema joins tools whose parameters may define the same name
 * differently), else to the first definition of that name anywhere in the tree.
 */
final class SchemaCompiler {

    private final ConstraintLimits limits;
    private final Map<String, Declared> definitions = new LinkedHashMap<>();
    private final Map<JsonSchemaElement, Spec> compiledDefinitions = new IdentityHashMap<>();
    private final List<ScopedRef> refs = new ArrayList<>();
    private final List<Spec.Composite> composites = new ArrayList<>();
    private Spec anyValue;

    SchemaCompiler(ConstraintLimits limits) {
        this.limits = limits;
    }

    Spec compileRoot(JsonSchemaElement root) {
        if (root == null) {
            throw new IllegalArgumentException("JSON schema has no root element");
        }
        collectDefinitions(root, Scope.NONE);
        Spec spec = compile(root, "$", Scope.NONE);
        resolveRefs();
        rejectLeftRecursion();
        computeNeeds(composites);
        if (spec.need() >= Spec.UNSATISFIABLE) {
            throw new IllegalArgumentException("schema has no finite instance: required properties recurse forever");
        }
        if (spec.need() > limits.maxDepth() - 1) {
            throw new IllegalArgumentException("schema needs nesting depth " + spec.need()
                    + " but maxDepth is " + limits.maxDepth());
        }
        return spec;
    }

    /** Any JSON value (plain JSON mode). */
    Spec anyValue() {
        if (anyValue == null) {
            Spec.Ref self = new Spec.Ref("<any JSON value>");
            anyValue = new Spec.AnyOf(List.of(
                    new FreeObjectGrammar(self, limits),
                    new ArrayGrammar(self, limits),
                    new StringGrammar(limits.maxStringBytes()),
                    new NumberGrammar(false, limits),
                    LiteralGrammar.oneOf(List.of("true", "false", "null"))));
            self.resolve(anyValue);
            List<Spec.Composite> own = List.of(self, (Spec.AnyOf) anyValue);
            composites.addAll(own);
            // only its own parts: it may be compiled mid-schema, while earlier $refs are still unresolved
            computeNeeds(own);
        }
        return anyValue;
    }

    /** Any JSON object (JSON mode without a schema: models are asked for an object). */
    Spec anyObject() {
        return new FreeObjectGrammar(anyValue(), limits);
    }

    private void collectDefinitions(JsonSchemaElement e, Scope outer) {
        if (e instanceof JsonObjectSchema o) {
            Scope scope = outer.enter(o);
            if (o.definitions() != null) {
                o.definitions().forEach((name, def) -> {
                    if (definitions.putIfAbsent(name, new Declared(def, scope)) == null) {
                        collectDefinitions(def, scope);
                    }
                });
            }
            if (o.properties() != null) {
                o.properties().values().forEach(p -> collectDefinitions(p, scope));
            }
        } else if (e instanceof JsonArraySchema a && a.items() != null) {
            collectDefinitions(a.items(), outer);
        } else if (e instanceof JsonAnyOfSchema any && any.anyOf() != null) {
            any.anyOf().forEach(alternative -> collectDefinitions(alternative, outer));
        }
    }

    private Spec compile(JsonSchemaElement e, String path, Scope scope) {
        if (e == null) {
            throw new IllegalArgumentException("JSON schema element at " + path + " is null");
        }
        if (e instanceof JsonStringSchema) {
            return new StringGrammar(limits.maxStringBytes());
        }
        if (e instanceof JsonIntegerSchema) {
            return new NumberGrammar(true, limits);
        }
        if (e instanceof JsonNumberSchema) {
            return new NumberGrammar(false, limits);
        }
        if (e instanceof JsonBooleanSchema) {
            return LiteralGrammar.oneOf(List.of("true", "false"));
        }
        if (e instanceof JsonNullSchema) {
            return LiteralGrammar.oneOf(List.of("null"));
        }
        if (e instanceof JsonEnumSchema en) {
            if (en.enumValues() == null || en.enumValues().isEmpty()) {
                throw new IllegalArgumentException("enum schema at " + path + " has no values");
            }
            return LiteralGrammar.enumOf(en.enumValues());
        }
        if (e instanceof JsonArraySchema a) {
            Spec items = a.items() == null ? anyValue() : compile(a.items(), path + "[]", scope);
            return new ArrayGrammar(items, limits);
        }
        if (e instanceof JsonObjectSchema o) {
            return object(o, path, scope.enter(o));
        }
        if (e instanceof JsonAnyOfSchema any) {
            if (any.anyOf() == null || any.anyOf().isEmpty()) {
                throw new IllegalArgumentException("anyOf schema at " + path + " has no alternatives");
            }
            List<Spec> alternatives = new ArrayList<>();
            for (int i = 0; i < any.anyOf().size(); i++) {
                alternatives.add(compile(any.anyOf().get(i), path + ".anyOf[" + i + "]", scope));
            }
            return register(new Spec.AnyOf(alternatives));
        }
        if (e instanceof JsonReferenceSchema ref) {
            if (ref.reference() == null) {
                throw new IllegalArgumentException("reference schema at " + path + " has no reference");
            }
            Spec.Ref r = new Spec.Ref(ref.reference());
            refs.add(new ScopedRef(r, scope));
            return register(r);
        }
        if (e instanceof JsonRawSchema) {
            throw new IllegalArgumentException("JsonRawSchema at " + path
                    + " cannot be enforced by constrained decoding; describe the schema with JsonObjectSchema etc.");
        }
        throw new IllegalArgumentException("unsupported JSON schema element at " + path + ": "
                + e.getClass().getName());
    }

    private Spec object(JsonObjectSchema o, String path, Scope scope) {
        Map<String, JsonSchemaElement> properties = o.properties() == null ? Map.of() : o.properties();
        List<String> required = o.required() == null ? List.of() : o.required();
        for (String r : required) {
            if (!properties.containsKey(r)) {
                throw new IllegalArgumentException("object schema at " + path + " requires property '" + r
                        + "' but does not declare it");
            }
        }
        if (properties.isEmpty() && !Boolean.FALSE.equals(o.additionalProperties())) {
            return new FreeObjectGrammar(anyValue(), limits);
        }
        List<String> names = new ArrayList<>();
        List<Spec> values = new ArrayList<>();
        List<Boolean> requiredFlags = new ArrayList<>();
        properties.forEach((name, schema) -> {
            names.add(name);
            values.add(compile(schema, path + "." + name, scope));
            requiredFlags.add(limits.requireAllProperties() || required.contains(name));
        });
        return register(new ObjectGrammar(names, values, requiredFlags, limits));
    }

    private <S extends Spec.Composite> S register(S spec) {
        composites.add(spec);
        return spec;
    }

    /**
     * Fixpoint of {@link Spec#need()} and {@link Spec#shortest()} over the (possibly cyclic) spec graph; both only
     * ever decrease.
     */
    private static void computeNeeds(List<Spec.Composite> composites) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Spec.Composite c : composites) {
                changed |= c.relaxNeed();
                changed |= c.relaxShortest();
            }
        }
    }

    private void resolveRefs() {
        // compiling a definition may add more refs, hence the index loop
        for (int i = 0; i < refs.size(); i++) {
            Spec.Ref r = refs.get(i).ref();
            String name = definitionName(r.name());
            Declared def = refs.get(i).scope().lookup(name);
            if (def == null) {
                def = definitions.get(name);
            }
            if (def == null) {
                throw new IllegalArgumentException("unresolved $ref '" + r.name() + "'; known definitions: "
                        + definitions.keySet());
            }
            Spec target = compiledDefinitions.get(def.schema());
            if (target == null) {
                target = compile(def.schema(), "#/$defs/" + name, def.scope());
                compiledDefinitions.put(def.schema(), target);
            }
            r.resolve(target);
        }
    }

    /**
     * A value must start with a byte, so a chain of anyOf/$ref that leads back to itself before any container
     * ({@code A: anyOf[$ref A, ...]}, {@code A: $ref B, B: $ref A}) would recurse forever: reject it here.
     */
    private void rejectLeftRecursion() {
        java.util.Set<Spec> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Spec.Composite c : composites) {
            visitLeft(c, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), done);
        }
    }

    private void visitLeft(Spec s, java.util.Set<Spec> path, java.util.Set<Spec> done) {
        if (done.contains(s)) {
            return;
        }
        if (!path.add(s)) {
            throw new IllegalArgumentException("schema is left-recursive: an anyOf/$ref chain"
                    + (s instanceof Spec.Ref r ? " through $ref '" + r.name() + "'" : "")
                    + " leads back to itself before any object or array");
        }
        if (s instanceof Spec.AnyOf any) {
            for (Spec alt : any.alternatives()) {
                visitLeft(alt, path, done);
            }
        } else if (s instanceof Spec.Ref r) {
            visitLeft(r.target(), path, done);
        }
        path.remove(s);
        done.add(s);
    }

    private static String definitionName(String reference) {
        for (String prefix : List.of("#/$defs/", "#/definitions/")) {
            if (reference.startsWith(prefix)) {
                return reference.substring(prefix.length());
            }
        }
        return reference;
    }

    /** A definition and the scope it was declared in (where its own references resolve). */
    private record Declared(JsonSchemaElement schema, Scope scope) {
    }

    /** A reference and the scope it appears in. */
    private record ScopedRef(Spec.Ref ref, Scope scope) {
    }

    /** The definitions of the enclosing object schemas, innermost first. */
    private record Scope(Map<String, JsonSchemaElement> definitions, Scope outer) {
        static final Scope NONE = new Scope(Map.of(), null);

        Scope enter(JsonObjectSchema o) {
            return o.definitions() == null || o.definitions().isEmpty() ? this : new Scope(o.definitions(), this);
        }

        Declared lookup(String name) {
            for (Scope s = this; s != null; s = s.outer) {
                JsonSchemaElement def = s.definitions.get(name);
                if (def != null) {
                    return new Declared(def, s);
                }
            }
            return null;
        }
    }
}
