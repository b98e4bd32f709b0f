package org.sentimentstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time from Linux's {@code /proc/<pid>/stat} or {@code /proc/<pid>/task/<tid>/stat}. */
final class ProcStat {

    /** Linux clock ticks per second, the unit of utime and stime. */
    private static final double CLOCK_TICKS = 100.0;

    private ProcStat() {}

    /** User plus system CPU seconds of the process or thread whose stat file this is. */
    static double cpuSeconds(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        // the command name (field 2) may hold spaces: count fields after its closing parenthesis
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS;
    }

    /**
     * CPU seconds the whole machine has been busy (all cores, every process, other users' included): the first line
     * of {@code /proc/stat} less idle and iowait; NaN where it cannot be read.
     */
    static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
