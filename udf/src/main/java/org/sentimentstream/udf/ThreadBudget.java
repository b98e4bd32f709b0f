package org.sentimentstream.udf;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.TaskManagerOptions;

import java.util.OptionalInt;

/** How many ONNX Runtime threads a session gets when {@code sentiment.intra-op-threads} is 0 (automatic). */
final class ThreadBudget {

    private ThreadBudget() {}

    /**
     * A per-slot session gets the cores divided by the slots that share them; a shared session gets all cores.
     * The slots per TaskManager come from $SENTIMENT_SLOTS_PER_TASKMANAGER, else from the TaskManager's own
     * configuration ({@code taskmanager.numberOfTaskSlots} in $FLINK_CONF_DIR, which Flink's scripts and images
     * set), else from the operator's parallelism, which is exact for a MiniCluster, where every subtask shares one
     * JVM.
     */
    static int intraOpThreads(InferenceConfig config, int parallelism) {
        if (config.intraOpThreads() > 0) {
            return config.intraOpThreads();
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (config.sessionSharing() == SentimentOptions.SessionSharing.SHARED) {
            return cores;
        }
        int slots = Math.max(1, Math.min(parallelism, slotsPerTaskManager().orElse(parallelism)));
        return Math.max(1, cores / slots);
    }

    static OptionalInt slotsPerTaskManager() {
        String value = System.getenv("SENTIMENT_SLOTS_PER_TASKMANAGER");
        if (value != null && value.matches("\\d+")) {
            return OptionalInt.of(Integer.parseInt(value));
        }
        String confDir = System.getenv("FLINK_CONF_DIR");
        if (confDir != null && !confDir.isBlank()) {
            try {
                Configuration conf = GlobalConfiguration.loadConfiguration(confDir);
                return conf.getOptional(TaskManagerOptions.NUM_TASK_SLOTS)
                        .map(OptionalInt::of)
                        .orElse(OptionalInt.empty());
            } catch (RuntimeException e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
