package io.strata.benchmarks.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

    private static final int SIGTERM_EXIT = 128 + 15;
    private static final int SIGKILL_EXIT = 128 + 9;

    @TempDir
    Path dir;

    @Test
    void shouldCaptureOutputAndExitCodeWhenTheChildExitsByItself() throws Exception {
        // given
        ChildProcess child = ChildProcess.start("echo", List.of("sh", "-c", "echo hello; echo oops >&2; exit 4"),
                Map.of(), dir, dir.resolve("out.txt"));

        // when
        OptionalInt exit = child.waitFor(Duration.ofSeconds(10));

        // then
        assertEquals(OptionalInt.of(4), exit);
        assertTrue(child.outputTail(100).contains("hello"));
        assertTrue(child.outputTail(100).contains("oops"), "standard error goes to the same file");
        assertEquals(4, child.stop(Duration.ofSeconds(1)), "stopping an exited child only reports its exit code");
    }

    @Test
    void shouldApplyEnvironmentChangesWhenStarting() throws Exception {
        // given
        Map<String, String> environment = new HashMap<>();
        environment.put("STRATA_TEST_VALUE", "set");
        environment.put("HOME", null);
        ChildProcess child = ChildProcess.start("env", List.of("sh", "-c", "echo \"$STRATA_TEST_VALUE/${HOME:-removed}\""),
                environment, dir, dir.resolve("out.txt"));

        // when
        child.waitFor(Duration.ofSeconds(10));

        // then
        assertEquals("set/removed", Files.readString(child.output()).strip());
    }

    @Test
    void shouldEndWithSigtermWhenTheChildStopsOnIt() throws Exception {
        // given
        ChildProcess child = ChildProcess.start("sleep", List.of("sleep", "30"), Map.of(), dir, dir.resolve("out.txt"));

        // when
        int exit = child.stop(Duration.ofSeconds(10));

        // then
        assertEquals(SIGTERM_EXIT, exit);
        assertFalse(child.isAlive());
    }

    @Test
    void shouldKillWhenTheChildIgnoresSigterm() throws Exception {
        // given: a shell that ignores SIGTERM and says when it is ready
        ChildProcess child = ChildProcess.start("stubborn",
                List.of("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.05; done"),
                Map.of(), dir, dir.resolve("out.txt"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!child.outputTail(100).contains("ready") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        // when
        int exit = child.stop(Duration.ofMillis(200));

        // then
        assertEquals(SIGKILL_EXIT, exit);
        assertFalse(child.isAlive());
    }

    @Test
    void shouldSayNoOutputWhenTheOutputFileIsMissing() {
        // when
        String tail = ChildProcess.tail(dir.resolve("missing.txt"), 100);

        // then
        assertEquals("(no output)", tail);
    }

    @Test
    void shouldKeepOnlyTheEndWhenTheOutputIsLong() throws Exception {
        // given
        Path file = dir.resolve("long.txt");
        Files.writeString(file, "x".repeat(1000) + "the end");

        // when
        String tail = ChildProcess.tail(file, 7);

        // then
        assertEquals("the end", tail);
    }
}
