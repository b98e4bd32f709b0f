package org.sentimentstream.udf;

/** How many ONNX Runtime threads a session gets when {@code sentiment.intra-op-threads} is 0 (automatic). */
final class ThreadBudget {

    private ThreadBudget() {}

    /**
     * A per-slot session gets the cores divided by the slots that share them; a shared session gets all cores.
     * The slots per TaskManager are read from {@code taskmanager.numberOfTaskSlots} in the environment
     * ($FLINK_PROPERTIES is not visible here), else bounded by the operator's parallelism, which is exact for
     * a MiniCluster, where every subtask shares one JVM.
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

    private static java.util.OptionalInt slotsPerTaskManager() {
        String value = System.getProperty("sentiment.slots-per-taskmanager",
                System.getenv().getOrDefault("SENTIMENT_SLOTS_PER_TASKMANAGER", ""));
        try {
            return value.isBlank() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return java.util.OptionalInt.empty();
        }
    }
}
