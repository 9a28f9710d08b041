package dev.titans4j.it.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the read-only {@code shared/} folder beside the checkout (models, datasets).
 * {@code TITANS4J_SHARED} overrides the location; when it is absent tests skip, unless
 * {@code TITANS4J_REQUIRE_SHARED=true} (set by {@code .ci/run}) turns absence into a failure.
 */
public final class SharedData {

    private SharedData() {
    }

    /** The shared folder, or a skipped/failed test when it (or {@code relative} inside it) is missing. */
    public static Path require(String relative) {
        Path root = root();
        Path p = root.resolve(relative);
        if (!Files.exists(p)) {
            String message = "shared test data not found: " + p.toAbsolutePath().normalize()
                    + " (set TITANS4J_SHARED to the folder that holds models/ and data/)";
            if ("true".equalsIgnoreCase(System.getenv("TITANS4J_REQUIRE_SHARED"))) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return p;
    }

    public static Path root() {
        String env = System.getenv("TITANS4J_SHARED");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String projectRoot = System.getProperty("titans4j.projectRoot");
        Path base = projectRoot != null ? Path.of(projectRoot) : Path.of("").toAbsolutePath().getParent();
        return base.resolve("../shared").normalize();
    }
}
