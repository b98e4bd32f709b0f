package org.sentimentstream.testcontainers;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.pipeline.SentimentPipeline;
import org.sentimentstream.testcontainers.ReviewRecords.Review;
import org.sentimentstream.testing.TinyModel;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The job graph on a MiniCluster against a Kafka container: good and bad records in, each checked on the way out. */
@Testcontainers
class KafkaContainerPipelineITCase {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaContainerPipelineITCase.class);
    private static final int PARALLELISM = 2;

    @Container
    static final KafkaContainer KAFKA = Containers.kafka(null);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .setConfiguration(noRestarts())
            .build());

    /** A failure-free run must not need a restart, which would hide an error. */
    private static Configuration noRestarts() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return conf;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void scoresGoodRecordsAndDeadLettersBadOnesExactlyOnce() throws Exception {
        KafkaTopics topics = new KafkaTopics(KAFKA.getBootstrapServers(), PARALLELISM);
        List<Review> reviews = ReviewRecords.generate("r", 3000, 40);
        topics.produce(reviews);

        JobConfig config = JobConfig.of(Map.of(
                "sentiment.bootstrap-servers",
                KAFKA.getBootstrapServers(),
                "sentiment.input-topic",
                topics.input,
                "sentiment.output-topic",
                topics.output,
                "sentiment.dlq-topic",
                topics.deadLetters,
                "sentiment.group-id",
                "group-" + topics.suffix,
                "sentiment.starting-offsets",
                "EARLIEST",
                "sentiment.transactional-id-prefix",
                "tx-" + topics.suffix,
                "sentiment.delivery-guarantee",
                "EXACTLY_ONCE",
                "sentiment.checkpoint-interval",
                "500 ms",
                "sentiment.model",
                TinyModel.dir().toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        SentimentPipeline.defineBounded(env, config);
        env.execute("sentiment-stream against a Kafka container");

        long expectedScored = reviews.stream().filter(Review::scored).count();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                topics.readCommitted(topics.output, (int) expectedScored, Duration.ofMinutes(1));
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                topics.readCommitted(topics.deadLetters, reviews.size() - (int) expectedScored, Duration.ofMinutes(1));
        LOG.info("Kafka container run: {}", DeliveryCheck.tally(reviews, scored, deadLetters));
        DeliveryCheck.assertExactlyOnce(reviews, topics, scored, deadLetters);
    }
}
