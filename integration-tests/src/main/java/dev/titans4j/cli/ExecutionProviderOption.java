package dev.titans4j.cli;

import dev.titans4j.t2.engine.ExecutionProvider;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --execution-provider} of the commands that run a model. CUDA needs the jar built with the Maven profile
 * {@code -Pcuda}; with the default (CPU-only) build the engine refuses it in one line that says so.
 */
final class ExecutionProviderOption {

    @Option(names = "--execution-provider", paramLabel = "cpu|cuda", defaultValue = "cpu",
            converter = Converter.class,
            description = "where ONNX Runtime runs the model: cpu (default) or cuda (needs the -Pcuda build, an"
                    + " fp16 export, CUDA 12 and cuDNN 9)")
    ExecutionProvider provider = ExecutionProvider.CPU;

    ExecutionProvider provider() {
        return provider;
    }

    /** Any case, whether or not the command line allows case-insensitive enums. */
    static final class Converter implements ITypeConverter<ExecutionProvider> {
        @Override
        public ExecutionProvider convert(String value) {
            try {
                return ExecutionProvider.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an execution provider: cpu or cuda");
            }
        }
    }
}
