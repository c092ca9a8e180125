package io.strata.benchmarks.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayOptionsTest {

    @Test
    void shouldReadMoreThanOneGibibyteFromRemoteSegmentsWhenGivenNoArguments() {
        // when
        ReplayOptions options = ReplayOptions.parse();

        // then: 1 GiB plus one segment, so that the sealed (remote) part alone is over 1 GiB
        assertEquals(1152, options.megabytes());
        assertEquals(1024, options.recordBytes());
        assertEquals(1_179_648, options.recordCount());
        assertEquals(1, options.partitions());
        assertEquals(128L * 1024 * 1024, options.segmentBytes());
        assertEquals(3, options.rounds());
        assertFalse(options.evictFileCache());
        assertNull(options.workDir());
        assertEquals(Map.of(), options.brokerOverrides());
        assertEquals(Map.of(), options.consumerOverrides());
    }

    @Test
    void shouldTakeEveryOptionWhenGiven() {
        // when
        ReplayOptions options = ReplayOptions.parse("--mb", "20", "--record-bytes", "10240", "--partitions", "3",
                "--segment-mb", "2", "--rounds", "5", "--evict-file-cache", "--work-dir", "/tmp/replay",
                "--broker", "remote.log.reader.read.ahead.chunks=4", "--consumer", "max.partition.fetch.bytes=a=b");

        // then
        assertEquals(20, options.megabytes());
        assertEquals(2048, options.recordCount());
        assertEquals(3, options.partitions());
        assertEquals(2L * 1024 * 1024, options.segmentBytes());
        assertEquals(5, options.rounds());
        assertTrue(options.evictFileCache());
        assertEquals(Path.of("/tmp/replay"), options.workDir());
        assertEquals(Map.of("remote.log.reader.read.ahead.chunks", "4"), options.brokerOverrides());
        assertEquals(Map.of("max.partition.fetch.bytes", "a=b"), options.consumerOverrides());
    }

    @Test
    void shouldRefuseBadArgumentsWhenParsing() {
        assertThrows(IllegalArgumentException.class, () -> ReplayOptions.parse("--rounds", "0"));
        assertThrows(IllegalArgumentException.class, () -> ReplayOptions.parse("--mb"));
        assertThrows(IllegalArgumentException.class, () -> ReplayOptions.parse("--broker", "novalue"));
        assertThrows(IllegalArgumentException.class, () -> ReplayOptions.parse("--what"));
    }
}
