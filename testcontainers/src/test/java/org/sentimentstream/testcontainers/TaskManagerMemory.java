package org.sentimentstream.testcontainers;

import com.fasterxml.jackson.databind.JsonNode;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A TaskManager container's memory as the kernel and the JVM see it. */
final class TaskManagerMemory {

    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private TaskManagerMemory() {}

    /** Resident set size of the TaskManager's JVM process, in bytes (VmRSS of /proc/<pid>/status). */
    static long rss(GenericContainer<?> taskManager) throws Exception {
        Container.ExecResult r = taskManager.execInContainer(
                "bash",
                "-c",
                "for p in /proc/[0-9]*; do if tr '\\0' ' ' < $p/cmdline 2>/dev/null | grep -q TaskManagerRunner;"
                        + " then grep VmRSS $p/status; fi; done");
        Matcher m = VM_RSS.matcher(r.getStdout());
        if (!m.find()) {
            throw new IllegalStateException("no TaskManagerRunner process: " + r.getStdout() + r.getStderr());
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** A JVM metric of the only TaskManager, e.g. Status.JVM.Memory.Heap.Used. */
    static long jvmMetric(FlinkRestClient rest, String metric) throws Exception {
        String id =
                rest.get("/taskmanagers").get("taskmanagers").get(0).get("id").asText();
        JsonNode values = rest.get("/taskmanagers/" + id + "/metrics?get=" + metric);
        return values.size() == 0 ? -1 : values.get(0).get("value").asLong();
    }
}
