package dev.titans4j.export.manifest;

/**
 * The rule for a file that a model folder names (manifest fields, file digests, a graph's external-data
 * locations): it is resolved against the folder and must stay inside it, so nothing outside the folder is read.
 */
public final class FolderNames {

    private FolderNames() {
    }

    /**
     * Whether {@code name} is a relative path inside the folder: names separated by '/' (a sub-folder such as
     * "onnx/" is inside), none empty, "." or "..", and nothing a file system reads as a root (a backslash, a
     * drive's ':').
     */
    public static boolean staysInside(String name) {
        if (name.isBlank() || name.contains("\\") || name.contains(":")) {
            return false;
        }
        for (String part : name.split("/", -1)) {
            if (part.isBlank() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
