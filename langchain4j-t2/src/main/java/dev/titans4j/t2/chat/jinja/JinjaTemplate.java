package dev.titans4j.t2.chat.jinja;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.CollectionTooBigException;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.titans4j.t2.chat.jinja.TemplateFunctions.TemplateRaisedException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * Renders a Hugging Face chat template with Jinjava, set up as transformers sets up jinja2 for
 * {@code apply_chat_template}: {@code trim_blocks} and {@code lstrip_blocks}, {@code tojson} as Python's
 * {@code json.dumps(ensure_ascii=False)}, {@code raise_exception} and {@code strftime_now}, plus the Python string
 * and dict methods templates call. Jinjava has no {@code {% break %}}/{@code {% continue %}} (jinja2's
 * loopcontrols), no {@code {% generation %}} and no slice steps ({@code messages[::-1]}), and it binds a named
 * argument before arithmetic ({@code namespace(n=x|length - 1)}, as Qwen3's templates write): a template using them
 * fails with a message that says so.
 * Known differences that do not fail: booleans print as {@code true}/{@code false} (Python: {@code True}), strings
 * cannot be indexed ({@code text[0]} is empty), and {@code not x|length == 1} parses as {@code (not x|length) == 1}
 * (an error for most operands).
 */
public final class JinjaTemplate {

    private static final Jinjava JINJAVA = create();
    /** The functions transformers gives chat templates; registered in {@link #create()}. */
    private static final List<String> FUNCTIONS = List.of("raise_exception", "strftime_now");

    private final String source;
    /** The source with jinja2's whitespace control applied (Jinjava's differs). */
    private final String prepared;
    /** Why the engine cannot render this template (a filter or test it lacks), or null. */
    private final String unsupported;

    /** The names a manifest may give instead of {@code jinja}. */
    private static final String HAND_WRITTEN = String.join(", ", dev.titans4j.export.ChatFormat.names().stream()
            .filter(name -> !name.equals(dev.titans4j.export.ChatFormat.JINJA)).toList());

    public JinjaTemplate(String source) {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("chat template is empty");
        }
        TemplateLimits.checkNesting(source);
        this.source = source;
        this.prepared = WhitespaceControl.apply(source);
        this.unsupported = unsupported(new TemplateNames(prepared));
    }

    /** Jinjava ignores a filter or test it does not know (printing nothing); jinja2 refuses the template. */
    private static String unsupported(TemplateNames names) {
        for (String filter : names.filters) {
            if (JINJAVA.getGlobalContext().getFilter(filter) == null) {
                return "no filter '" + filter + "'";
            }
        }
        for (String test : names.tests) {
            if (JINJAVA.getGlobalContext().getExpTest(test) == null) {
                return "no test '" + test + "'";
            }
        }
        return null;
    }

    public String source() {
        return source;
    }

    /**
     * The rendered text.
     *
     * @throws IllegalArgumentException when the template refuses the input ({@code raise_exception}), with its message
     * @throws UnsupportedFeatureException when the template needs something Jinjava cannot do
     */
    public String render(Map<String, Object> variables) {
        if (unsupported != null) {
            throw refusal(unsupported);
        }
        Map<String, Object> context = new HashMap<>(variables);
        // transformers passes these functions as variables, and templates test them with "is defined" (Llama 3.2
        // dates its system turn with strftime_now only if defined); Jinjava's functions are not variables
        for (String function : FUNCTIONS) {
            context.putIfAbsent(function, "<function " + function + ">");
        }
        TemplateLimits.startRender();
        RenderResult result = JINJAVA.renderForResult(prepared, context);
        for (TemplateError error : result.getErrors()) {
            TemplateRaisedException raised = cause(error.getException(), TemplateRaisedException.class);
            if (raised != null) {
                throw new IllegalArgumentException("the model's chat template refused the conversation: "
                        + raised.getMessage());
            }
            TemplateLimits.TooCostlyException costly = cause(error.getException(),
                    TemplateLimits.TooCostlyException.class);
            if (costly != null) {
                throw new IllegalArgumentException("the model's chat template is too costly to render: "
                        + costly.getMessage());
            }
            if (cause(error.getException(), OutputTooBigException.class) != null
                    || cause(error.getException(), CollectionTooBigException.class) != null) {
                throw new IllegalArgumentException("the model's chat template builds more than "
                        + TemplateLimits.MAX_CHARS + " characters: " + oneLine(error.getMessage()));
            }
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw refusal(oneLine(error.getMessage()));
            }
        }
        return result.getOutput();
    }

    private static UnsupportedFeatureException refusal(String reason) {
        return new UnsupportedFeatureException("the model's chat template cannot be rendered by the Java Jinja engine"
                + " (Jinjava): " + reason + "; if the model follows a hand-written format, name it as \"chatFormat\""
                + " in the export's manifest.json (" + HAND_WRITTEN + ")");
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String oneLine(String message) {
        return message == null ? "unknown error" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static Jinjava create() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withElResolver(resolver)
                // Jinjava's default renders "{{ ... }}" found in a printed value again: message content would run
                // as template code (jinja2 prints it as text)
                .withNestedInterpretationEnabled(false)
                .withInterperterFactory(TextPrintingInterpreter.FACTORY)
                // Python-style printing of lists and dicts. Not UseNaturalOperatorPrecedence: it fixes
                // 'not a|length == 1' but breaks 'not a is defined', which more templates use
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUsePyishObjectMapper(true)
                        .build())
                .withMaxStringLength(TemplateLimits.MAX_CHARS)
                .withMaxOutputSize(TemplateLimits.MAX_CHARS)
                .build());
        jinjava.getGlobalContext().registerFilter(new PythonToJson());
        jinjava.getGlobalContext().registerFilter(new PythonTrim());
        jinjava.getGlobalContext().registerFilter(new PythonItems());
        jinjava.getGlobalContext().registerExpTest(new PythonIsIterable());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                TemplateFunctions.class, "raiseException", Object.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                TemplateFunctions.class, "strftimeNow", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "range",
                TemplateLimits.class, "range", Object.class, Object[].class));
        return jinjava;
    }
}
