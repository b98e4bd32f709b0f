package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.config.JobConfig;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The control topic's consumer has the source's client settings, and its own isolation, offsets and no group. */
class ControlTopicModelFeedTest {

    @Test
    void noFeedWithoutTheSetting() {
        assertThat(KafkaConnectors.modelFeed(JobConfig.of(Map.of("sentiment.bootstrap-servers", "kafka:9092"))))
                .isEmpty();
    }

    @Test
    void consumerHasTheJobsClientSettings() {
        JobConfig config = JobConfig.of(Map.of(
                "sentiment.bootstrap-servers", "kafka:9093",
                "sentiment.model-control-topic", "models",
                "sentiment.model-control-poll-interval", "250 ms",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.isolation.level", "read_uncommitted",
                "kafka.group.id", "someone-elses"));

        ControlTopicModelFeed feed = KafkaConnectors.modelFeed(config).orElseThrow();
        Properties props = feed.consumerProperties();

        assertThat(feed.topic()).isEqualTo("models");
        assertThat(feed.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(props)
                .containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("allow.auto.create.topics", "false")
                .doesNotContainKey("group.id");
    }

    @Test
    void feedTravelsWithTheOperator() throws Exception {
        ControlTopicModelFeed feed =
                new ControlTopicModelFeed("models", Map.of("bootstrap.servers", "kafka:9092"), Duration.ofSeconds(1));
        ControlTopicModelFeed copy = InstantiationUtil.clone(feed);
        assertThat(copy.topic()).isEqualTo("models");
        assertThat(copy.consumerProperties()).containsEntry("bootstrap.servers", "kafka:9092");
    }
}
