package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's start command as a user runs it: {@code bin/strata-server-start.sh
 * config/server.properties} with overrides, using the class-data-sharing archive the build wrote,
 * and stopping cleanly on SIGTERM.
 */
class StartScriptIT {

    private static final Path PROJECT_ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void shouldServeFromTheSharedArchiveAndStopCleanlyWhenStartedByTheScript() throws Exception {
        // given: -Xshare:on makes the JVM refuse to start unless it can map the archive
        Path jsa = PROJECT_ROOT.resolve("broker/target/strata-broker.jsa");
        assertTrue(Files.isRegularFile(jsa), "the build writes " + jsa);
        Path classLoads = dir.resolve("class-load.txt");
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(
                PROJECT_ROOT.resolve("bin/strata-server-start.sh").toString(),
                PROJECT_ROOT.resolve("config/server.properties").toString(),
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                "--override", "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "--override", "log.dirs=" + dir.resolve("logs"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.out").toFile());
        builder.environment().put("STRATA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + classLoads);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process broker = builder.start();
        try {
            // when
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port))) {
                Poll.until(Duration.ofSeconds(30), "the scripted broker answers", () -> {
                    if (!broker.isAlive()) {
                        throw new AssertionError("the broker exited with " + broker.exitValue() + "; see "
                                + dir.resolve("broker.out"));
                    }
                    try {
                        return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            broker.destroy(); // SIGTERM, as an operator stops it

            // then
            assertTrue(broker.waitFor(30, TimeUnit.SECONDS), "the broker stops on SIGTERM");
            assertEquals(143, broker.exitValue(), "ended by SIGTERM after its shutdown hook ran");
            String output = Files.readString(dir.resolve("broker.out"));
            assertTrue(output.contains("Strata broker 1 stopped"), output);
            List<String> mainLoads = Files.readAllLines(classLoads).stream()
                    .filter(line -> line.contains(" io.strata.broker.server.BrokerServer "))
                    .toList();
            assertEquals(1, mainLoads.size(), mainLoads.toString());
            assertTrue(mainLoads.get(0).contains("shared objects file"), mainLoads.get(0));
        } finally {
            broker.destroyForcibly();
            broker.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
