package org.sentimentstream.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/** How a running job learns of new models from a Kafka control topic (event mode of model updates). */
public final class ModelControlOptions {

    public static final ConfigOption<String> MODEL_CONTROL_TOPIC = ConfigOptions.key("sentiment.model-control-topic")
            .stringType()
            .noDefaultValue()
            .withDescription("Off when unset. When set, every scoring subtask reads this topic from its beginning"
                    + " (read_committed, no consumer group, with the job's Kafka client settings) and applies the"
                    + " newest announcement, {\"model\": \"<dir | hf:... | s3://...>\", \"sha256\": \"<hex>\","
                    + " \"canary\": [\"...\"]}: the model is loaded beside the running one, checked, warmed up and"
                    + " scored on the canary texts before it takes over between batches; one that fails any step"
                    + " is refused and the running model keeps serving. Newest: the highest offset of a partition,"
                    + " the latest record timestamp across partitions (use one partition). A record that is not an"
                    + " announcement is logged and skipped. The topic must exist and be readable by the job, must"
                    + " keep the newest announcement (retention.ms=-1, or compaction with one key), and cannot be"
                    + " combined with sentiment.model-watch.");

    public static final ConfigOption<Duration> MODEL_CONTROL_POLL_INTERVAL = ConfigOptions.key(
                    "sentiment.model-control-poll-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("How often each scoring subtask reads the control topic for new announcements; at"
                    + " least 100 ms. A model update takes effect this long after its announcement is committed, at"
                    + " most, plus its load, check and warm-up.");

    public static final List<ConfigOption<?>> ALL = List.of(MODEL_CONTROL_TOPIC, MODEL_CONTROL_POLL_INTERVAL);

    private ModelControlOptions() {}
}
