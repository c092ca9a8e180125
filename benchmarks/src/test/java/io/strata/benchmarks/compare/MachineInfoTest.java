package io.strata.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineInfoTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadTheFirstModelNameWhenParsingCpuinfo() {
        // given
        String cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\n"
                + "processor\t: 1\nmodel name\t: AMD EPYC 7B13\n";

        // when / then
        assertEquals("AMD EPYC 7B13", MachineInfo.parseCpuModel(cpuinfo));
    }

    @Test
    void shouldSayUnknownWhenCpuinfoHasNoModelName() {
        // when / then
        assertEquals("unknown", MachineInfo.parseCpuModel("processor\t: 0\n"));
    }

    @Test
    void shouldReadMemTotalWhenParsingMeminfo() {
        // given
        String meminfo = "MemTotal:       24684100 kB\nMemFree:        20000000 kB\n";

        // when / then
        assertEquals(24_684_100, MachineInfo.parseMemTotalKb(meminfo));
    }

    @Test
    void shouldGiveMinusOneWhenMeminfoHasNoTotal() {
        // when / then
        assertEquals(-1, MachineInfo.parseMemTotalKb("MemFree: 1 kB\n"));
    }

    @Test
    void shouldSayUnknownWhenTheDirectoryIsNotAGitCheckout() {
        // when / then
        assertEquals("unknown", MachineInfo.strataVersion(dir));
    }

    @Test
    void shouldDescribeThisMachineWhenCollecting() {
        // when
        MachineInfo info = MachineInfo.collect(dir, dir, "4.3.1");

        // then
        assertTrue(info.cores() > 0);
        assertTrue(info.memTotalKb() > 0);
        assertEquals("4.3.1", info.kafkaVersion());
        assertTrue(info.java().contains(System.getProperty("java.runtime.version")), info.java());
    }
}
