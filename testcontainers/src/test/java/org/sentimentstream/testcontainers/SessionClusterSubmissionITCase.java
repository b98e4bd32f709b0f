package org.sentimentstream.testcontainers;

import org.sentimentstream.testcontainers.ReviewRecords.Review;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster job jar uploaded to a session cluster of JobManager and TaskManager containers and run through the
 * REST API, as an operator does; then cancelled and submitted again to the same TaskManager JVM, which is where
 * native libraries loaded by a job's own classloader break (docs/operations.md, "Native libraries and Flink classloaders").
 */
class SessionClusterSubmissionITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SessionClusterSubmissionITCase.class);
    private static final int SLOTS = 2;
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(3);

    private static KafkaWithFlinkCluster containers;
    private static KafkaContainer kafka;
    private static FlinkSessionCluster flink;

    @BeforeAll
    static void startContainers() {
        containers = KafkaWithFlinkCluster.start(SLOTS);
        kafka = containers.kafka;
        flink = containers.flink;
    }

    @AfterAll
    static void stopContainers() {
        if (containers != null) {
            containers.close();
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void uploadedJarRunsAndScores() throws Exception {
        String jarId = flink.rest().uploadJar(FlinkSessionCluster.clusterJobJar());
        assertThat(flink.rest().get("/jars").get("files").findValuesAsText("id"))
                .contains(jarId);

        submitScoreAndCancel(jarId, "submitted", 1000);
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void cancelledJobSubmittedAgainScoresAgainInTheSameTaskManager() throws Exception {
        String jarId = flink.rest().uploadJar(FlinkSessionCluster.clusterJobJar());
        List<String> taskManagersBefore = taskManagerIds();

        submitScoreAndCancel(jarId, "first", 600);
        submitScoreAndCancel(jarId, "again", 600);

        assertThat(taskManagerIds())
                .as("the same TaskManager JVM ran both jobs")
                .isEqualTo(taskManagersBefore);
    }

    /** Runs the job on fresh topics, checks every output of {@code count} inputs, then cancels the job. */
    private static void submitScoreAndCancel(String jarId, String name, int count) throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka.getBootstrapServers(), SLOTS);
        List<Review> reviews = ReviewRecords.generate(name + "-", count, 25);
        topics.produce(reviews);

        String jobId =
                flink.rest().runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, JobArguments.run(topics, name), SLOTS);
        flink.rest().awaitAllTasksRunning(jobId, Duration.ofMinutes(2));

        int expectedScored = (int) reviews.stream().filter(Review::scored).count();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                topics.readCommitted(topics.output, expectedScored, READ_TIMEOUT);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                topics.readCommitted(topics.deadLetters, reviews.size() - expectedScored, READ_TIMEOUT);
        LOG.info("Job {} ({}): {}", jobId, name, DeliveryCheck.tally(reviews, scored, deadLetters));
        assertThat(flink.rest().failures(jobId))
                .as("failures of a failure-free run: %s", flink.rest().get("/jobs/" + jobId + "/exceptions"))
                .isZero();
        DeliveryCheck.assertExactlyOnce(reviews, topics, scored, deadLetters);

        flink.rest().cancel(jobId, Duration.ofMinutes(1));
    }

    private static List<String> taskManagerIds() throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode tm : flink.rest().get("/taskmanagers").get("taskmanagers")) {
            ids.add(tm.get("id").asText());
        }
        return ids;
    }
}
