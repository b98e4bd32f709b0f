package org.sentimentstream.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/** How the scoring operator waits for results. */
public final class PipelineOptions {

    public static final ConfigOption<Duration> ASYNC_TIMEOUT = ConfigOptions.key("sentiment.async-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(120))
            .withDescription("A record not scored within this time goes to the dead letters (reason"
                    + " SCORING_FAILED). It includes the time a record waits among the records in flight: long texts"
                    + " on a slow model wait longest, and a text read in windows is scored when its last window is.");

    public static final ConfigOption<Integer> ASYNC_CAPACITY = ConfigOptions.key("sentiment.async-capacity")
            .intType()
            .defaultValue(256)
            .withDescription("Records in flight per subtask; when full, the source is back-pressured. A record"
                    + " read in windows counts once, whatever its windows, so the micro-batcher holds at most"
                    + " async-capacity x max-windows texts. It sorts the waiting texts by length before it cuts"
                    + " batches, so a larger pool pads less.");

    public static final ConfigOption<Boolean> ORDERED = ConfigOptions.key("sentiment.ordered")
            .booleanType()
            .defaultValue(true)
            .withDescription("Emit scored records in input order per subtask (true) or as they finish"
                    + " (false, slightly lower latency).");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("sentiment.checkpoint-interval")
            .durationType()
            .noDefaultValue()
            .withDescription("Enables checkpointing at this interval when Flink's"
                    + " execution.checkpointing.interval is not set. Exactly-once output becomes"
                    + " visible at each checkpoint.");

    public static final List<ConfigOption<?>> ALL =
            List.of(ASYNC_TIMEOUT, ASYNC_CAPACITY, ORDERED, CHECKPOINT_INTERVAL);

    private PipelineOptions() {}
}
