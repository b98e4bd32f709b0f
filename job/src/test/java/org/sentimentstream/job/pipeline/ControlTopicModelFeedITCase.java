package org.sentimentstream.job.pipeline;

import org.sentimentstream.embedded.EmbeddedKafkaBroker;
import org.sentimentstream.embedded.KafkaProducers;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.ModelAnnouncement;
import org.sentimentstream.udf.ModelFeed;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The control topic's feed against a real broker: a reader starts from the beginning and names the newest
 * announcement, skips what is not one, sees later ones, never an aborted one; the startup checks refuse a control
 * topic that does not exist.
 */
class ControlTopicModelFeedITCase {

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String randomTopic(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JobConfig config(String controlTopic, String... more) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "sentiment.bootstrap-servers",
                kafka.bootstrapServers(),
                "sentiment.model-control-topic",
                controlTopic));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return JobConfig.of(settings);
    }

    private static String announcing(String model) {
        return new ModelAnnouncement(model, null, null).toJson();
    }

    private static void send(KafkaProducer<String, String> producer, String topic, int partition, long ts, String v)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, ts, "model", v)).get(30, TimeUnit.SECONDS);
    }

    private static Optional<String> latestModel(ModelFeed.Reader reader) throws Exception {
        return reader.latest().map(ModelAnnouncement::model);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void newestAnnouncementWinsMalformedAreSkippedLaterOnesArePickedUp() throws Exception {
        String topic = randomTopic("models");
        kafka.createTopics(2, topic);
        ControlTopicModelFeed feed = KafkaConnectors.modelFeed(config(topic)).orElseThrow();

        try (KafkaProducer<String, String> producer = KafkaProducers.strings(kafka.bootstrapServers())) {
            send(producer, topic, 0, 1_000, announcing("/models/1"));
            send(producer, topic, 1, 2_000, announcing("/models/2"));
            send(producer, topic, 1, 3_000, announcing("/models/3"));
            send(producer, topic, 0, 4_000, "{\"model\": "); // cut short
            send(producer, topic, 0, 5_000, "{\"sha256\":\"" + "0".repeat(64) + "\"}"); // no model

            try (ControlTopicModelFeed.TopicReader reader = feed.open()) {
                assertThat(latestModel(reader)).contains("/models/3");
                assertThat(reader.malformed()).isEqualTo(2);
                assertThat(latestModel(reader)).as("asked again").contains("/models/3");

                send(producer, topic, 0, 6_000, announcing("/models/4"));
                assertThat(awaitModel(reader, "/models/4"))
                        .as("announced later")
                        .contains("/models/4");

                // a reader opened later (a subtask after a restart or rescale) finds the same
                try (ControlTopicModelFeed.TopicReader late = feed.open()) {
                    assertThat(latestModel(late)).contains("/models/4");
                }
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anAbortedAnnouncementNamesNoModel() throws Exception {
        String topic = randomTopic("models");
        kafka.createTopics(1, topic);
        ControlTopicModelFeed feed = KafkaConnectors.modelFeed(config(topic)).orElseThrow();
        Map<String, Object> tx = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "announcer-" + topic);

        try (KafkaProducer<String, String> producer = KafkaProducers.strings(kafka.bootstrapServers(), tx);
                ControlTopicModelFeed.TopicReader reader = feed.open()) {
            assertThat(reader.latest()).as("empty topic").isEmpty();
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "model", announcing("/models/good")));
            producer.commitTransaction();
            // the commit markers reach the partition shortly after commitTransaction returns
            assertThat(awaitModel(reader, "/models/good")).contains("/models/good");

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "model", announcing("/models/aborted")));
            producer.flush(); // on the partition now: a read_uncommitted reader would name it
            for (int i = 0; i < 3; i++) {
                assertThat(latestModel(reader)).as("in an open transaction").contains("/models/good");
            }
            producer.abortTransaction();
            for (int i = 0; i < 3; i++) {
                assertThat(latestModel(reader)).as("aborted").contains("/models/good");
            }
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "model", announcing("/models/next")));
            producer.commitTransaction();

            assertThat(awaitModel(reader, "/models/next")).contains("/models/next");
        }
    }

    /** Asks the reader until it names {@code model} (at most 30 s), as the scorer polls it; returns its last answer. */
    private static Optional<String> awaitModel(ModelFeed.Reader reader, String model) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Optional<String> latest;
        do {
            latest = latestModel(reader);
        } while (!latest.equals(Optional.of(model)) && System.nanoTime() < deadline);
        return latest;
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aMissingControlTopicStopsTheJobAtStart() {
        String input = randomTopic("reviews");
        kafka.createTopics(1, input, input + "-scored", input + "-dlq");
        JobConfig config = config(
                randomTopic("no-such-models"),
                "sentiment.input-topic",
                input,
                "sentiment.output-topic",
                input + "-scored",
                "sentiment.dlq-topic",
                input + "-dlq",
                "sentiment.delivery-guarantee",
                "AT_LEAST_ONCE");

        assertThatThrownBy(() -> StartupChecks.kafka(config, Duration.ofSeconds(30)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'sentiment.model-control-topic'")
                .hasMessageContaining("does not exist")
                .hasMessageContaining("Fix: create it");

        String control = randomTopic("models");
        kafka.createTopics(1, control);
        StartupChecks.kafka(
                config(
                        control,
                        "sentiment.input-topic",
                        input,
                        "sentiment.output-topic",
                        input + "-scored",
                        "sentiment.dlq-topic",
                        input + "-dlq",
                        "sentiment.delivery-guarantee",
                        "AT_LEAST_ONCE"),
                Duration.ofSeconds(30));
    }
}
