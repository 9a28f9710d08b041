package dev.titans4j.cli;

import dev.titans4j.export.IoProblems;

/** A problem with what the user asked for; the command prints the message as one line and exits with 1. */
final class CliException extends RuntimeException {

    static final int EXIT_CODE = 1;

    CliException(String message) {
        super(message);
    }

    /** For a blank {@code --system}, which LangChain4j's SystemMessage refuses in a line naming no option. */
    static final String BLANK_SYSTEM = "--system is blank: give the system message, or leave the option out";

    /** The message on one line (ONNX Runtime and the tokenizer library sometimes report several). */
    static String oneLine(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : IoProblems.oneLine(e.getMessage());
    }
}
