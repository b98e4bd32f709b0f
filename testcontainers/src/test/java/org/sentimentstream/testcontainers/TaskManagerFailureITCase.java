package org.sentimentstream.testcontainers;

import org.sentimentstream.testcontainers.ReviewRecords.Review;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly-once through a TaskManager failure: while a stream of 20,000 records is being scored, the TaskManager
 * container is killed (SIGKILL) and a new one started; the job restores its last checkpoint, aborts the killed
 * TaskManager's open transactions and goes on. A read_committed consumer then sees every input exactly once,
 * scored or as a dead letter: nothing lost, nothing twice.
 */
class TaskManagerFailureITCase {

    private static final Logger LOG = LoggerFactory.getLogger(TaskManagerFailureITCase.class);
    private static final int SLOTS = 2;
    private static final int RECORDS = 20_000;
    /** The producer's pace, so that the stream is still flowing when the TaskManager dies. */
    private static final int RECORDS_PER_SECOND = 700;

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
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void killedTaskManagerLosesAndDuplicatesNothing() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka.getBootstrapServers(), SLOTS);
        List<Review> reviews = ReviewRecords.generate("f", RECORDS, 50);
        String jarId = flink.rest().uploadJar(FlinkSessionCluster.clusterJobJar());
        String jobId = flink.rest()
                .runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, JobArguments.run(topics, "failover"), SLOTS);
        flink.rest().awaitAllTasksRunning(jobId, Duration.ofMinutes(2));

        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> producing =
                CompletableFuture.runAsync(() -> topics.producePaced(reviews, RECORDS_PER_SECOND, sent));

        int committedBeforeKill = awaitCommittedOutputs(topics, 2_000, Duration.ofMinutes(3));
        int sentBeforeKill = sent.get();
        GenericContainer<?> taskManager = flink.taskManagers().get(0);
        flink.kill(taskManager);
        LOG.info(
                "Killed the TaskManager after {} records sent and {} committed outputs",
                sentBeforeKill,
                committedBeforeKill);
        assertThat(sentBeforeKill).as("killed while the stream flows").isLessThan(RECORDS);
        flink.startTaskManager();

        producing.get(5, TimeUnit.MINUTES);
        int expectedScored = (int) reviews.stream().filter(Review::scored).count();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                topics.readCommitted(topics.output, expectedScored, Duration.ofMinutes(4));
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                topics.readCommitted(topics.deadLetters, RECORDS - expectedScored, Duration.ofMinutes(1));

        DeliveryCheck.Tally tally = DeliveryCheck.tally(reviews, scored, deadLetters);
        long restored = flink.rest().restoredCheckpoint(jobId);
        LOG.info(
                "TaskManager failure: {}; the job restored checkpoint {} after {} failure(s)",
                tally,
                restored,
                flink.rest().failures(jobId));
        assertThat(flink.rest().failures(jobId)).as("the job failed over").isPositive();
        assertThat(restored).as("the job restored a checkpoint").isPositive();
        DeliveryCheck.assertExactlyOnce(reviews, topics, scored, deadLetters);
        flink.rest().cancel(jobId, Duration.ofMinutes(1));
    }

    /** Waits until at least {@code atLeast} scored records are committed; returns how many are. */
    private static int awaitCommittedOutputs(KafkaTopics topics, int atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int committed = topics.countCommitted(topics.output);
            if (committed >= atLeast) {
                return committed;
            }
            assertThat(System.nanoTime())
                    .as("%d of %d outputs committed", committed, atLeast)
                    .isLessThan(deadline);
        }
    }
}
