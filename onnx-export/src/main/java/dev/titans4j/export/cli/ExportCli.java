package dev.titans4j.export.cli;

/** {@code java -cp onnx-export.jar dev.titans4j.export.cli.ExportCli --input HF_DIR --output OUT_DIR}. */
public final class ExportCli {

    private ExportCli() {
    }

    public static void main(String[] args) {
        System.exit(StandardOutput.checked(ExportCommand.commandLine().execute(args)));
    }
}
