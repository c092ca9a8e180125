package io.strata.broker.testing;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.server.BrokerServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A broker started in the test JVM on an ephemeral port of 127.0.0.1, with its data in a
 * directory the test owns, plus factories for real kafka-clients pointed at it.
 * {@link #restart()} closes it cleanly and starts it again on the same data and port.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final Path logDir;
    private final Map<String, String> overrides;
    private BrokerServer server;
    private int port;

    private EmbeddedBroker(Path logDir, Map<String, String> overrides) {
        this.logDir = logDir;
        this.overrides = overrides;
    }

    /** Starts a broker with its log dir under {@code dir}; {@code overrides} are broker configs. */
    public static EmbeddedBroker start(Path dir, Map<String, String> overrides) {
        EmbeddedBroker broker = new EmbeddedBroker(dir.resolve("logs"), new HashMap<>(overrides));
        broker.startServer(0);
        return broker;
    }

    public static EmbeddedBroker start(Path dir) {
        return start(dir, Map.of());
    }

    private void startServer(int requestedPort) {
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + requestedPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + requestedPort);
        props.put("log.dirs", logDir.toString());
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.putAll(overrides);
        server = new BrokerServer(BrokerConfig.fromProperties(props));
        server.start();
        port = server.boundPort();
    }

    /** Clean stop and start again on the same data directory and port. */
    public void restart() {
        server.close();
        startServer(port);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path logDir() {
        return logDir;
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    public KafkaProducer<byte[], byte[]> producer(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.putAll(extra);
        return new KafkaProducer<>(props);
    }

    public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putAll(extra);
        return new KafkaConsumer<>(props);
    }

    /**
     * Reads {@code expected} records of {@code tp} from offset {@code from} with a fresh consumer
     * (assign mode, room for 1 MB records); fails if they do not all arrive within 60 s.
     */
    public List<ConsumerRecord<byte[], byte[]>> consume(TopicPartition tp, long from, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of(
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            return pollUntil(consumer, tp, expected);
        }
    }

    /** Polls {@code consumer} until it returned {@code expected} records of {@code tp}; fails after 60 s. */
    public static List<ConsumerRecord<byte[], byte[]>> pollUntil(KafkaConsumer<byte[], byte[]> consumer,
                                                                 TopicPartition tp, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (out.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).records(tp).forEach(out::add);
        }
        if (out.size() != expected) {
            throw new AssertionError("Expected " + expected + " records from " + tp + " but got " + out.size());
        }
        return out;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
