package io.strata.benchmarks.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Readings of a running Linux process from {@code /proc}: CPU time ({@code utime + stime} of
 * {@code /proc/<pid>/stat}, in clock ticks) and resident memory ({@code VmRSS} and its peak
 * {@code VmHWM} of {@code /proc/<pid>/status}, in KiB). The benchmarks read the broker's figures this
 * way so that both brokers are measured by the same outside observer.
 *
 * <p>Linux only. This class is stateless and thread-safe.
 */
public final class ProcStats {

    private static volatile long clockTicksPerSecond;

    private ProcStats() {
    }

    /**
     * Returns the CPU time the process has used in user and kernel mode, in clock ticks.
     *
     * @param pid a live process
     * @return utime + stime, fields 14 and 15 of {@code /proc/<pid>/stat}
     * @throws IOException when the process is gone or {@code /proc} cannot be read
     */
    public static long cpuTicks(long pid) throws IOException {
        return parseCpuTicks(Files.readString(procFile(pid, "stat"), StandardCharsets.US_ASCII));
    }

    /**
     * Returns the CPU time the process has used in user and kernel mode, in seconds.
     *
     * @param pid a live process
     * @return utime + stime divided by {@link #clockTicksPerSecond()}
     * @throws IOException when the process is gone or {@code /proc} cannot be read
     */
    public static double cpuSeconds(long pid) throws IOException {
        return (double) cpuTicks(pid) / clockTicksPerSecond();
    }

    /**
     * Returns the CPU time of the whole machine, all cores together, from the first line of
     * {@code /proc/stat}: the time spent busy (user, nice, system, irq, softirq, steal) and in all.
     *
     * @return busy and total clock ticks since boot
     * @throws IOException when {@code /proc/stat} cannot be read
     */
    public static MachineTicks machineTicks() throws IOException {
        return parseMachineTicks(Files.readString(Path.of("/proc/stat"), StandardCharsets.US_ASCII));
    }

    /**
     * CPU time of the whole machine since boot, in clock ticks summed over all cores.
     *
     * @param busy ticks not idle and not waiting for I/O
     * @param total all ticks, idle and I/O wait included
     */
    public record MachineTicks(long busy, long total) {

        /** The share of all cores' time that was busy between {@code earlier} and this reading, 0 to 1. */
        public double busyFractionSince(MachineTicks earlier) {
            long elapsed = total - earlier.total;
            return elapsed <= 0 ? 0 : (double) (busy - earlier.busy) / elapsed;
        }

        /** The busy CPU seconds, all cores together, between {@code earlier} and this reading. */
        public double busySecondsSince(MachineTicks earlier) throws IOException {
            return (double) (busy - earlier.busy) / clockTicksPerSecond();
        }
    }

    /**
     * Parses the aggregate {@code cpu} line of {@code /proc/stat}.
     *
     * @param stat the file's content
     * @return busy and total ticks
     * @throws IllegalArgumentException when there is no aggregate line or it is not in the stat format
     */
    static MachineTicks parseMachineTicks(String stat) {
        for (String line : stat.split("\n")) {
            if (!line.startsWith("cpu ")) {
                continue;
            }
            String[] fields = line.substring(4).trim().split("\\s+");
            if (fields.length < 8) {
                throw new IllegalArgumentException("too few fields in the /proc/stat cpu line: " + line);
            }
            try {
                long user = Long.parseLong(fields[0]);
                long nice = Long.parseLong(fields[1]);
                long system = Long.parseLong(fields[2]);
                long idle = Long.parseLong(fields[3]);
                long iowait = Long.parseLong(fields[4]);
                long irq = Long.parseLong(fields[5]);
                long softirq = Long.parseLong(fields[6]);
                long steal = Long.parseLong(fields[7]);
                long busy = user + nice + system + irq + softirq + steal;
                return new MachineTicks(busy, busy + idle + iowait);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not numbers in the /proc/stat cpu line: " + line, e);
            }
        }
        throw new IllegalArgumentException("no aggregate cpu line in /proc/stat");
    }

    /**
     * Returns the process's resident set size now.
     *
     * @param pid a live process
     * @return {@code VmRSS} in KiB
     * @throws IOException when the process is gone or {@code /proc} cannot be read
     */
    public static long residentKb(long pid) throws IOException {
        return parseStatusKb(Files.readString(procFile(pid, "status"), StandardCharsets.US_ASCII), "VmRSS");
    }

    /**
     * Returns the largest resident set size the process has had since it started.
     *
     * @param pid a live process
     * @return {@code VmHWM} (the RSS high-water mark) in KiB
     * @throws IOException when the process is gone or {@code /proc} cannot be read
     */
    public static long peakResidentKb(long pid) throws IOException {
        return parseStatusKb(Files.readString(procFile(pid, "status"), StandardCharsets.US_ASCII), "VmHWM");
    }

    /**
     * Returns the kernel's clock ticks per second ({@code getconf CLK_TCK}), the unit of
     * {@link #cpuTicks(long)}; read once and cached.
     *
     * @return ticks per second, usually 100
     * @throws IOException when {@code getconf} cannot be run or prints no number
     */
    public static long clockTicksPerSecond() throws IOException {
        long ticks = clockTicksPerSecond;
        if (ticks == 0) {
            ticks = readClockTicksPerSecond();
            clockTicksPerSecond = ticks;
        }
        return ticks;
    }

    /**
     * Parses utime + stime out of the text of {@code /proc/<pid>/stat}.
     *
     * @param stat the file's content
     * @return fields 14 (utime) and 15 (stime) added, in clock ticks
     * @throws IllegalArgumentException when the text is not in the stat format
     */
    static long parseCpuTicks(String stat) {
        // Field 2 is the command name in parentheses and may itself hold spaces and ')':
        // the fields after it start past the last ')'.
        int commandEnd = stat.lastIndexOf(')');
        if (commandEnd < 0 || commandEnd + 2 > stat.length()) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        String[] fields = stat.substring(commandEnd + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so field 14 is fields[11] and field 15 is fields[12].
        if (fields.length < 13) {
            throw new IllegalArgumentException("too few fields in /proc/<pid>/stat line: " + stat);
        }
        try {
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("utime/stime are not numbers in: " + stat, e);
        }
    }

    /**
     * Parses one {@code kB} field (such as {@code VmRSS}) out of the text of {@code /proc/<pid>/status}.
     *
     * @param status the file's content
     * @param field the field name without the colon
     * @return the field's value in KiB
     * @throws IllegalArgumentException when the field is missing or not a number
     */
    static long parseStatusKb(String status, String field) {
        String prefix = field + ":";
        for (String line : status.split("\n")) {
            if (line.startsWith(prefix)) {
                String value = line.substring(prefix.length()).trim().split("\\s+")[0];
                try {
                    return Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(field + " is not a number: " + line, e);
                }
            }
        }
        throw new IllegalArgumentException("no " + field + " in /proc/<pid>/status");
    }

    private static Path procFile(long pid, String name) {
        return Path.of("/proc", Long.toString(pid), name);
    }

    private static long readClockTicksPerSecond() throws IOException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        try {
            if (getconf.waitFor() != 0) {
                throw new IOException("getconf CLK_TCK failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running getconf CLK_TCK", e);
        }
        try {
            return Long.parseLong(out);
        } catch (NumberFormatException e) {
            throw new IOException("getconf CLK_TCK printed " + out, e);
        }
    }
}
