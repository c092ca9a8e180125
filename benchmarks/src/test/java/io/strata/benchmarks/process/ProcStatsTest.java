package io.strata.benchmarks.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

    @Test
    void shouldAddUtimeAndStimeWhenCommandNameHoldsSpacesAndParentheses() {
        // given: pid, "(comm)", state, then fields 4..13, utime (14) = 250, stime (15) = 40
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194304 1000 0 0 0 250 40 0 0 20 0 30 0 12345 1000 200\n";

        // when
        long ticks = ProcStats.parseCpuTicks(stat);

        // then
        assertEquals(290, ticks);
    }

    @Test
    void shouldRejectStatWhenFieldsAreMissing() {
        // given
        String stat = "4242 (java) S 1 2 3";

        // when / then
        assertThrows(IllegalArgumentException.class, () -> ProcStats.parseCpuTicks(stat));
    }

    @Test
    void shouldRejectStatWhenThereIsNoCommandName() {
        // when / then
        assertThrows(IllegalArgumentException.class, () -> ProcStats.parseCpuTicks("garbage"));
    }

    @Test
    void shouldReadKilobytesWhenStatusHasTheField() {
        // given
        String status = "Name:\tjava\nVmPeak:\t 5000000 kB\nVmHWM:\t  412345 kB\nVmRSS:\t  398765 kB\nThreads:\t42\n";

        // when
        long rss = ProcStats.parseStatusKb(status, "VmRSS");
        long hwm = ProcStats.parseStatusKb(status, "VmHWM");

        // then
        assertEquals(398_765, rss);
        assertEquals(412_345, hwm);
    }

    @Test
    void shouldRejectStatusWhenTheFieldIsMissing() {
        // when / then
        assertThrows(IllegalArgumentException.class, () -> ProcStats.parseStatusKb("Name:\tjava\n", "VmRSS"));
    }

    @Test
    void shouldSplitBusyAndTotalTicksWhenReadingTheAggregateCpuLine() {
        // given: user nice system idle iowait irq softirq steal guest guest_nice
        String stat = "cpu  100 5 40 800 30 2 3 1 0 0\ncpu0 50 2 20 400 15 1 1 0 0 0\nintr 12345\n";

        // when
        ProcStats.MachineTicks ticks = ProcStats.parseMachineTicks(stat);

        // then: busy = user + nice + system + irq + softirq + steal; total adds idle and iowait
        assertEquals(151, ticks.busy());
        assertEquals(981, ticks.total());
    }

    @Test
    void shouldGiveTheBusyShareWhenComparingTwoReadings() {
        // given
        ProcStats.MachineTicks before = new ProcStats.MachineTicks(100, 1000);
        ProcStats.MachineTicks after = new ProcStats.MachineTicks(250, 1200);

        // when
        double busy = after.busyFractionSince(before);

        // then
        assertEquals(0.75, busy, 1e-9);
    }

    @Test
    void shouldRejectProcStatWhenThereIsNoAggregateLine() {
        // when / then
        assertThrows(IllegalArgumentException.class, () -> ProcStats.parseMachineTicks("cpu0 1 2 3 4 5 6 7 8\n"));
        assertThrows(IllegalArgumentException.class, () -> ProcStats.parseMachineTicks("cpu  1 2 x 4 5 6 7 8\n"));
    }

    @Test
    void shouldReadThisProcessWhenRunningOnLinux() throws Exception {
        // given
        long pid = ProcessHandle.current().pid();

        // when
        long ticks = ProcStats.cpuTicks(pid);
        long rssKb = ProcStats.residentKb(pid);
        long peakKb = ProcStats.peakResidentKb(pid);

        // then
        assertTrue(ticks > 0, "a running JVM has used CPU");
        assertTrue(rssKb > 0);
        assertTrue(peakKb >= rssKb, "the high-water mark is never below the current RSS");
        assertTrue(ProcStats.clockTicksPerSecond() > 0);
    }
}
