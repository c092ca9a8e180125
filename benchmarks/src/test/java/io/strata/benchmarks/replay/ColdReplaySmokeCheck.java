package io.strata.benchmarks.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold-replay runner end to end on a small size: 16 MiB in 1 MiB segments, one round. Named to
 * match neither surefire's {@code *Test} nor failsafe's {@code *IT}, so {@code mvn verify} only
 * compiles it: it takes over a minute under the build's test settings (paranoid leak detection, the
 * test classpath's DEBUG logging). Run it with
 * {@code mvn -B -o verify -pl benchmarks -am -Dit.test=ColdReplaySmokeCheck -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ColdReplaySmokeCheck {

    @TempDir
    Path dir;

    @Test
    void shouldReadTheSameRecordsLocallyAndColdFromTheBucketWhenRunOnASmallTopic() throws Exception {
        // given
        ReplayOptions options = ReplayOptions.parse("--mb", "16", "--segment-mb", "1", "--rounds", "1",
                "--work-dir", dir.toString());

        // when
        List<ReplayRead> reads = new ColdReplayBenchmark(options).run();

        // then: a local read without GETs, then a cold one of the same records through GETs
        assertEquals(2, reads.size());
        ReplayRead local = reads.get(0);
        ReplayRead cold = reads.get(1);
        assertEquals(ReplayRead.Kind.LOCAL, local.kind());
        assertEquals(ReplayRead.Kind.COLD_REMOTE, cold.kind());
        assertEquals(local.records(), cold.records());
        assertEquals(local.bytes(), cold.bytes());
        assertTrue(cold.records() > options.recordCount() * 3 / 4, "records read " + cold.records());
        assertEquals(0, local.remote().getRequests());
        assertTrue(cold.remote().getRequests() > 0);
        assertTrue(cold.remote().remoteBytesRead() >= cold.bytes(), "bytes from the bucket");
        assertTrue(ReplayReport.render(reads).contains("| cold / local |"));
    }
}
