/**
 * What the end-to-end benchmarks share for running brokers and tools as child processes and
 * observing them from outside: {@link io.strata.benchmarks.process.ChildProcess} (start, stop by PID,
 * kill on exit), {@link io.strata.benchmarks.process.StrataLauncher} (Strata's start script),
 * {@link io.strata.benchmarks.process.ApiVersionsProbe} (time to the first answered request) and
 * {@link io.strata.benchmarks.process.ProcStats} (CPU time and resident memory from {@code /proc}).
 * Parameters and return values are non-null unless documented otherwise.
 */
package io.strata.benchmarks.process;
