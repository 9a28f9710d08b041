package dev.titans4j.t2.chat.jinja;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/**
 * Prints strings as they are. With Python-style printing on, Jinjava prints every value, strings included, through
 * JSON and un-escapes only some escapes, so control characters in message content (U+0000 to U+001F other than
 * tab, newline, carriage return and form feed) reached the prompt as the text {@code \u001C}; jinja2 prints a
 * string unchanged. Lists and dicts keep Jinjava's Python-style printing.
 */
final class TextPrintingInterpreter extends JinjavaInterpreter {

    static final InterpreterFactory FACTORY = new InterpreterFactory() {
        @Override
        public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
            return new TextPrintingInterpreter(orig);
        }

        @Override
        public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig config) {
            return new TextPrintingInterpreter(application, context, config);
        }
    };

    private TextPrintingInterpreter(JinjavaInterpreter orig) {
        super(orig);
    }

    private TextPrintingInterpreter(Jinjava application, Context context, JinjavaConfig config) {
        super(application, context, config);
    }

    @Override
    public String getAsString(Object object) {
        return object instanceof CharSequence text ? text.toString() : super.getAsString(object);
    }
}
