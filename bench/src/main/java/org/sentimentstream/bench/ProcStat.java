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
}
