package io.strata.benchmarks.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a Strata broker the way a user does: {@code bin/strata-server-start.sh
 * config/server.properties --override key=value ...} from a built checkout, so the broker runs with
 * the start script's default JVM options. The script ends in {@code exec java}, so the child's PID
 * is the broker JVM's.
 *
 * <p>Immutable and thread-safe.
 *
 * @param strataHome the repository root (holding {@code bin/}, {@code config/} and the built
 *                   {@code broker/target/strata-broker.jar})
 */
public record StrataLauncher(Path strataHome) {

    /** The environment variables of the start script, removed so that its defaults apply. */
    private static final List<String> SCRIPT_VARIABLES = List.of("STRATA_HEAP_OPTS", "STRATA_OPTS", "STRATA_LOG_CONFIG");

    /**
     * Checks that the broker has been built.
     *
     * @throws IllegalStateException when the start script or the broker jar is missing
     */
    public void requireBuilt() {
        if (!Files.isRegularFile(script())) {
            throw new IllegalStateException(script() + " not found: --strata-home must be the repository root");
        }
        Path jar = strataHome.resolve("broker/target/strata-broker.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath()
                    + " not found: build it first with 'mvn -B -q -DskipTests package'");
        }
    }

    /**
     * Returns the start command for {@code config/server.properties} with overrides.
     *
     * @param overrides broker properties given as {@code --override key=value}, in iteration order
     * @return the command line
     */
    public List<String> command(Map<String, String> overrides) {
        List<String> command = new ArrayList<>(List.of(
                script().toAbsolutePath().toString(),
                strataHome.resolve("config/server.properties").toAbsolutePath().toString()));
        overrides.forEach((key, value) -> {
            command.add("--override");
            command.add(key + "=" + value);
        });
        return command;
    }

    /**
     * Returns the environment for the start script: the script's own variables removed (their
     * defaults apply) and {@code JAVA_HOME} set to the JVM running this benchmark, so that every
     * broker and tool runs on the same Java.
     *
     * @param logConfig a logback configuration for the broker, or {@code null} for the script's default
     * @return changes to apply to the inherited environment ({@code null} values remove a variable)
     */
    public Map<String, String> environment(Path logConfig) {
        Map<String, String> environment = new HashMap<>();
        SCRIPT_VARIABLES.forEach(name -> environment.put(name, null));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        if (logConfig != null) {
            environment.put("STRATA_LOG_CONFIG", logConfig.toAbsolutePath().toString());
        }
        return environment;
    }

    private Path script() {
        return strataHome.resolve("bin/strata-server-start.sh");
    }
}
