package dev.titans4j.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --thinking on|off} of the commands that prompt through the chat format: for models that reason before
 * answering (Qwen3, SmolLM3, {@code jinja} templates), the template's {@code enable_thinking}. Left out, the
 * template's default (Qwen3, SmolLM3: on); other formats, and templates without that switch, ignore it.
 */
final class ThinkingOption {

    /** An enum, not a Boolean: picocli would take a Boolean option for a flag and rewrite its value. */
    enum Switch { ON, OFF }

    @Option(names = "--thinking", paramLabel = "on|off", converter = Converter.class,
            description = "thinking models (Qwen3, SmolLM3, jinja templates with enable_thinking, templates that"
                    + " open <think>): reason before answering (on) or answer at once (off: templates that open"
                    + " <think> get it closed empty); default: the chat template's default")
    Switch value;

    /** Null when not given. */
    Boolean enabled() {
        return value == null ? null : value == Switch.ON;
    }

    static final class Converter implements ITypeConverter<Switch> {
        @Override
        public Switch convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "on" -> Switch.ON;
                case "off" -> Switch.OFF;
                default -> throw new TypeConversionException("'" + value + "' is not a thinking switch: on or off");
            };
        }
    }
}
