package io.strata.broker.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A broker in a child JVM ({@code io.strata.broker.server.Main}) on a fixed port and data directory,
 * which a test can kill with SIGKILL and start again on the same data.
 */
public final class ChildBroker implements AutoCloseable {

    /** Exit status of a JVM ended by SIGKILL (128 + 9). */
    public static final int SIGKILL_EXIT_STATUS = 137;

    private final Path dir;
    private final Map<String, String> overrides;
    private final int port;
    private Process process;
    private int starts;

    private ChildBroker(Path dir, Map<String, String> overrides, int port) {
        this.dir = dir;
        this.overrides = overrides;
        this.port = port;
    }

    /** Starts a child broker with its data under {@code dir}; {@code overrides} are broker configs. */
    public static ChildBroker start(Path dir, Map<String, String> overrides) throws IOException {
        ChildBroker broker = new ChildBroker(dir, overrides, freePort());
        broker.startProcess();
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** An admin client with short timeouts, for brokers that come and go. */
    public Admin admin() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        return Admin.create(props);
    }

    /** Kills the broker with SIGKILL and returns its exit status. */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the killed broker did not exit");
        }
        return process.exitValue();
    }

    /** Starts the broker again on the same data and port (retrying while the port is not free yet). */
    public void restart() throws IOException {
        for (int attempt = 1; ; attempt++) {
            startProcess();
            if (process.isAlive() || attempt == 3) {
                if (!process.isAlive()) {
                    throw new AssertionError("the broker did not restart: " + output());
                }
                return;
            }
        }
    }

    /** What the child printed since it was last started. */
    public String output() throws IOException {
        return Files.readString(dir.resolve("broker-" + starts + ".out"));
    }

    private void startProcess() throws IOException {
        Path properties = dir.resolve("server.properties");
        Properties props = new Properties();
        props.setProperty("node.id", "1");
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.setProperty("log.dirs", dir.resolve("logs").toString());
        props.setProperty("num.network.threads", "2");
        props.setProperty("num.io.threads", "2");
        overrides.forEach(props::setProperty);
        try (OutputStream out = Files.newOutputStream(properties)) {
            props.store(out, "ChildBroker");
        }
        starts++;
        Path output = dir.resolve("broker-" + starts + ".out");
        process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "io.strata.broker.server.Main", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        Process child = process;
        try (Admin admin = admin()) {
            Poll.until(Duration.ofSeconds(30), "the broker on port " + port + " answers", () -> {
                if (!child.isAlive()) {
                    return true;
                }
                try {
                    return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
