package io.strata.benchmarks.compare;

import io.strata.benchmarks.process.ChildProcess;
import io.strata.benchmarks.process.Loopback;
import io.strata.benchmarks.process.StrataLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Strata as a user starts it: {@code bin/strata-server-start.sh config/server.properties} with the
 * script's default JVM options and the shipped configuration, overriding only the listener (a free
 * 127.0.0.1 port) and {@code log.dirs} (the run's data directory). The shipped configuration keeps
 * Kafka's defaults that matter here: 1 GiB segments and no per-message flush.
 *
 * <p>Immutable and thread-safe.
 */
public final class StrataBroker implements BrokerUnderTest {

    private final StrataLauncher launcher;
    private final String version;

    /**
     * Creates the broker description.
     *
     * @param launcher the built checkout to start the broker from
     * @param version the version shown in RESULTS.md, such as a git commit
     */
    public StrataBroker(StrataLauncher launcher, String version) {
        this.launcher = launcher;
        this.version = version;
    }

    @Override
    public String name() {
        return "Strata";
    }

    @Override
    public String id() {
        return "strata";
    }

    /** Returns the version shown in RESULTS.md. */
    public String version() {
        return version;
    }

    @Override
    public RunningBroker start(Path runDir, Path dataDir) throws IOException {
        int port = Loopback.freePort();
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("listeners", "PLAINTEXT://" + Loopback.HOST + ":" + port);
        overrides.put("advertised.listeners", "PLAINTEXT://" + Loopback.HOST + ":" + port);
        overrides.put("log.dirs", dataDir.toAbsolutePath().toString());
        // The Kafka it is compared with does not tier: neither does Strata here (same work per byte).
        overrides.put("remote.log.storage.system.enable", "false");
        ChildProcess process = ChildProcess.start(id(), launcher.command(overrides), launcher.environment(null),
                runDir, runDir.resolve("broker.out"));
        return new RunningBroker(process, port);
    }
}
