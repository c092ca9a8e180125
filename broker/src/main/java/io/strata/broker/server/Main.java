package io.strata.broker.server;

import io.strata.broker.config.BrokerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command line entry point, in Kafka's convention:
 * {@code strata-server-start.sh server.properties [--override key=value]...}.
 * Exit status 1 for a bad command line or configuration, 2 when the broker cannot start.
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args[0].startsWith("--")) {
            usage("missing server.properties");
            return;
        }
        Path properties = Path.of(args[0]);
        if (!Files.isReadable(properties)) {
            usage("cannot read " + properties);
            return;
        }
        List<String> overrides = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (!"--override".equals(args[i]) || i + 1 >= args.length || !args[i + 1].contains("=")) {
                usage("unexpected argument " + args[i]);
                return;
            }
            overrides.add(args[++i]);
        }

        BrokerConfig config;
        try {
            config = BrokerConfig.load(properties, overrides);
        } catch (ConfigException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            System.exit(1);
            return;
        }

        BrokerServer broker = new BrokerServer(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "shutdown"));
        try {
            broker.start();
        } catch (RuntimeException e) {
            log.error("Strata broker failed to start", e);
            System.exit(2);
            return;
        }
        stopped.await();
    }

    private static void usage(String problem) {
        System.err.println("Error: " + problem);
        System.err.println("USAGE: strata-server-start.sh server.properties [--override property=value]*");
        System.exit(1);
    }
}
