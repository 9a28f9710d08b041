package dev.titans4j.cli;

/** A problem with what the user asked for; the command prints the message as one line and exits with 1. */
final class CliException extends RuntimeException {

    static final int EXIT_CODE = 1;

    CliException(String message) {
        super(message);
    }

    /** The message on one line (ONNX Runtime and the tokenizer library sometimes report several). */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.replace('\n', ' ').trim();
    }
}
