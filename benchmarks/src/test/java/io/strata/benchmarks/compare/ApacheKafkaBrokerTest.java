package io.strata.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApacheKafkaBrokerTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadTheVersionWhenLibsHoldTheBrokerJar() throws Exception {
        // given
        Files.write(dir.resolve("kafka_2.13-4.3.1.jar"), new byte[0]);
        Files.write(dir.resolve("kafka-clients-4.3.1.jar"), new byte[0]);

        // when
        ApacheKafkaBroker broker = new ApacheKafkaBroker(Path.of("java"), dir);

        // then
        assertEquals("4.3.1", broker.version());
        assertEquals("Apache Kafka 4.3.1", broker.name());
    }

    @Test
    void shouldSayHowToFetchKafkaWhenLibsAreMissing() {
        // when
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ApacheKafkaBroker.kafkaVersion(dir.resolve("libs")));

        // then
        assertTrue(e.getMessage().contains("benchmarks/apache-kafka/pom.xml"), e.getMessage());
    }

    @Test
    void shouldRefuseWhenLibsHoldNoBrokerJar() throws Exception {
        // given
        Files.write(dir.resolve("kafka-clients-4.3.1.jar"), new byte[0]);

        // when / then
        assertThrows(IllegalStateException.class, () -> ApacheKafkaBroker.kafkaVersion(dir));
    }

    @Test
    void shouldConfigureACombinedLoopbackNodeWhenWritingServerProperties() throws Exception {
        // given
        Properties properties = new Properties();

        // when
        properties.load(new StringReader(ApacheKafkaBroker.serverProperties(9092, 9093, dir)));

        // then
        assertEquals("broker,controller", properties.getProperty("process.roles"));
        assertEquals("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", properties.getProperty("listeners"));
        assertEquals("127.0.0.1:9093", properties.getProperty("controller.quorum.bootstrap.servers"));
        assertEquals(dir.toAbsolutePath().toString(), properties.getProperty("log.dirs"));
        assertEquals("1073741824", properties.getProperty("log.segment.bytes"));
        assertEquals("1", properties.getProperty("offsets.topic.replication.factor"));
        assertEquals("0", properties.getProperty("group.initial.rebalance.delay.ms"));
        assertEquals(null, properties.getProperty("log.flush.interval.messages"), "no per-message flush");
    }
}
