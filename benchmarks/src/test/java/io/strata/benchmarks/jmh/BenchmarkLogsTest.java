package io.strata.benchmarks.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.server.storage.log.FetchIsolation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkLogsTest {

    @TempDir
    Path tempDir;

    @BeforeEach
    void useTempDir() {
        System.setProperty(BenchmarkDirs.DIR_PROPERTY, tempDir.toString());
    }

    @AfterEach
    void clearTempDir() {
        System.clearProperty(BenchmarkDirs.DIR_PROPERTY);
    }

    @Test
    void shouldAppendTheSameBatchesAgainWhenStrataLogTakesThemFromRing() throws InterruptedException {
        // given
        BenchmarkRecords.Ring ring = new BenchmarkRecords.Ring(2, System.currentTimeMillis());
        BenchmarkLogs.StrataLog log = BenchmarkLogs.openStrata("strata-", BenchmarkLogs.strataConfig(1 << 20, -1L));

        // when
        for (int i = 0; i < 4; i++) {
            log.log().append(ring.next(), BenchmarkLogs.LEADER_EPOCH);
        }

        // then
        try {
            assertEquals(4 * 63L, log.log().logEndOffset());
            assertTrue(log.log().read(100L, 1 << 20, true).records().sizeInBytes() > 0);
        } finally {
            log.close();
        }
        assertFalse(Files.exists(log.dir()));
    }

    @Test
    void shouldAppendTheSameBatchesAgainWhenKafkaLogTakesThemFromRing() throws IOException, InterruptedException {
        // given
        BenchmarkRecords.Ring ring = new BenchmarkRecords.Ring(2, System.currentTimeMillis());
        BenchmarkLogs.KafkaLog log = BenchmarkLogs.openKafka("kafka-", BenchmarkLogs.kafkaConfig(1 << 20, -1L));

        // when
        for (int i = 0; i < 4; i++) {
            log.log().appendAsLeader(ring.next(), BenchmarkLogs.LEADER_EPOCH);
        }
        log.advanceHighWatermark();

        // then
        try {
            assertEquals(4 * 63L, log.log().logEndOffset());
            assertEquals(4 * 63L, log.log().highWatermark());
            assertTrue(log.log().read(100L, 1 << 20, FetchIsolation.HIGH_WATERMARK, true).records.sizeInBytes() > 0);
        } finally {
            log.close();
        }
        assertFalse(Files.exists(log.dir()));
    }

    @Test
    void shouldDeleteOldSegmentsWhenRetentionBytesIsExceeded() throws IOException, InterruptedException {
        // given
        long retentionBytes = 1 << 20;
        BenchmarkRecords.Ring ring = new BenchmarkRecords.Ring(4, System.currentTimeMillis());
        BenchmarkLogs.StrataLog strata = BenchmarkLogs.openStrata("strata-",
                BenchmarkLogs.strataConfig(1 << 20, retentionBytes));
        BenchmarkLogs.KafkaLog kafka = BenchmarkLogs.openKafka("kafka-", BenchmarkLogs.kafkaConfig(1 << 20, retentionBytes));
        for (int i = 0; i < 64; i++) {
            strata.log().append(ring.next(), BenchmarkLogs.LEADER_EPOCH);
            kafka.log().appendAsLeader(ring.next(), BenchmarkLogs.LEADER_EPOCH);
        }

        // when
        strata.enforceRetention();
        kafka.enforceRetention();

        // then
        try {
            assertTrue(strata.log().size() <= 2 * retentionBytes, "Strata log of " + strata.log().size() + " bytes");
            assertTrue(kafka.log().size() <= 2 * retentionBytes, "Kafka log of " + kafka.log().size() + " bytes");
            assertTrue(strata.log().logStartOffset() > 0);
            assertTrue(kafka.log().logStartOffset() > 0);
        } finally {
            strata.close();
            kafka.close();
        }
    }
}
