package io.strata.broker.server;

import io.strata.broker.config.BrokerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The training run for the broker's class-data-sharing (CDS) archive, run once by the build.
 *
 * <p>Run as {@code java -XX:ArchiveClassesAtExit=strata-broker.jsa -cp strata-broker.jar
 * io.strata.broker.server.ClassDataSharingTraining}: it starts a broker on a free loopback port
 * with a temporary log directory, serves a short workload to it with the real Kafka clients
 * (create a topic, produce with every acks setting and lz4, consume it as a group member that
 * commits its offsets and as a standalone reader), then stops it and deletes the directory. The
 * JVM then writes every class loaded on the way into the archive. {@code bin/strata-server-start.sh}
 * starts the broker with that archive when it exists, so the classes of start-up and of the request
 * path are mapped ready-parsed from the archive instead of being loaded, verified and linked from
 * the jar at each start: start-up is faster and the mapped classes are shared, read-only pages
 * rather than private memory.
 *
 * <p>Nothing of the workload is kept; only the archive is. Not thread-safe (a command-line entry point).
 */
public final class ClassDataSharingTraining {

    private static final int RECORDS = 2_000;
    private static final String TOPIC = "cds-training";

    private ClassDataSharingTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path logDir = Files.createTempDirectory("strata-cds-training-");
        try {
            BrokerConfig config = BrokerConfig.fromProperties(Map.of(
                    BrokerConfig.LISTENERS_CONFIG, "PLAINTEXT://127.0.0.1:0",
                    "log.dirs", logDir.toString(),
                    "group.initial.rebalance.delay.ms", "0"));
            try (BrokerServer broker = new BrokerServer(config)) {
                broker.start();
                serveWorkload("127.0.0.1:" + broker.boundPort());
            }
        } finally {
            Utils.delete(logDir.toFile());
        }
    }

    private static void serveWorkload(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            admin.describeCluster().nodes().get();
        }
        byte[] value = new byte[1024];
        for (String acks : List.of("0", "1", "all")) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ProducerConfig.ACKS_CONFIG, acks);
            props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "all".equals(acks) ? "lz4" : "none");
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            try (KafkaProducer<byte[], byte[]> producer =
                         new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < RECORDS / 3; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, value));
                }
                producer.flush();
            }
        }
        // A group member (FindCoordinator, JoinGroup, SyncGroup, Fetch, OffsetCommit, LeaveGroup),
        // then a standalone reader (assign, ListOffsets, Fetch).
        consume(bootstrap, true);
        consume(bootstrap, false);
    }

    private static void consume(String bootstrap, boolean inGroup) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (inGroup) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "cds-training");
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            if (inGroup) {
                consumer.subscribe(List.of(TOPIC));
            } else {
                consumer.assign(partitions);
                consumer.endOffsets(partitions);
            }
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int consumed = 0;
            while (consumed < RECORDS / 3 * 2 && System.nanoTime() < end) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                consumed += records.count();
            }
            if (inGroup) {
                consumer.commitSync();
            }
        }
    }
}
