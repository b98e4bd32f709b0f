package org.sentimentstream.testcontainers;

import org.sentimentstream.testcontainers.ReviewRecords.Review;

import com.github.dockerjava.api.DockerClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka broker goes away in the middle of a stream, two ways: its container is stopped and started again, and
 * it is paused (frozen, connections open but silent) for longer than the clients' request timeout (30 s). The job
 * recovers by itself, nothing lost, nothing twice; the longest stall of committed output is reported.
 */
@Tag("reliability")
class BrokerRestartITCase {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRestartITCase.class);
    private static final int SLOTS = 2;
    private static final int RECORDS = 9_000;
    private static final int RECORDS_PER_SECOND = 150;
    /** Above the Kafka clients' request.timeout.ms (30 s) and the producer's transaction coordinator lookups. */
    private static final Duration PAUSE = Duration.ofSeconds(45);

    private static final Duration STOPPED = Duration.ofSeconds(15);

    private static KafkaWithFlinkCluster containers;

    @BeforeAll
    static void startContainers() {
        containers = KafkaWithFlinkCluster.start(SLOTS, true);
    }

    @AfterAll
    static void stopContainers() {
        if (containers != null) {
            containers.close();
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void brokerStoppedAndStartedAgain() throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        String id = containers.kafka.getContainerId();
        scenario(
                "Broker stop and start",
                "docker stop (graceful, 10 s) then start after " + STOPPED.toSeconds() + " s",
                () -> {
                    docker.stopContainerCmd(id).withTimeout(10).exec();
                    Thread.sleep(STOPPED.toMillis());
                    docker.startContainerCmd(id).exec();
                });
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void brokerPausedLongerThanTheRequestTimeout() throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        String id = containers.kafka.getContainerId();
        scenario(
                "Broker paused " + PAUSE.toSeconds() + " s",
                "docker pause for " + PAUSE.toSeconds() + " s > request.timeout.ms 30 s",
                () -> {
                    docker.pauseContainerCmd(id).exec();
                    Thread.sleep(PAUSE.toMillis());
                    docker.unpauseContainerCmd(id).exec();
                });
    }

    interface Fault {
        void strike() throws Exception;
    }

    private static void scenario(String name, String how, Fault fault) throws Exception {
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        List<Review> reviews = ReviewRecords.generate(name.charAt(7) + "b", RECORDS, 50);
        FlinkRestClient rest = containers.flink.rest();
        String jobId = rest.runJar(
                rest.uploadJar(FlinkSessionCluster.clusterJobJar()),
                FlinkSessionCluster.ENTRY_CLASS,
                JobArguments.run(topics, "broker"),
                SLOTS);
        rest.awaitAllTasksRunning(jobId, Duration.ofMinutes(2));

        try (OutputWatch watch = new OutputWatch(topics)) {
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> producing =
                    CompletableFuture.runAsync(() -> topics.producePaced(reviews, RECORDS_PER_SECOND, sent));
            watch.awaitCount(1_500, Duration.ofMinutes(3));
            long struck = System.nanoTime();
            int sentBefore = sent.get();
            fault.strike();
            long restored = System.nanoTime();
            LOG.info(
                    "{}: struck after {} sent and {} outputs; broker back after {} s",
                    name,
                    sentBefore,
                    watch.count(),
                    (restored - struck) / 1_000_000_000.0);
            assertThat(sentBefore).as("struck while the stream flows").isLessThan(RECORDS);

            producing.get(8, TimeUnit.MINUTES);
            watch.awaitCount(RECORDS, Duration.ofMinutes(6));
            Duration stall = watch.longestStall(struck, RECORDS);
            Duration afterReturn = Duration.ofNanos(Math.max(0, stall.toNanos() - (restored - struck)));

            int expectedScored = (int) reviews.stream().filter(Review::scored).count();
            Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                    topics.readCommitted(topics.output, expectedScored, Duration.ofMinutes(2));
            Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                    topics.readCommitted(topics.deadLetters, RECORDS - expectedScored, Duration.ofMinutes(1));
            DeliveryCheck.Tally tally = DeliveryCheck.tally(reviews, scored, deadLetters);
            int failures = rest.failures(jobId);
            LOG.info("{}: {}; longest output stall {} ms; {} job failure(s)", name, tally, stall.toMillis(), failures);
            DeliveryCheck.assertExactlyOnce(reviews, topics, scored, deadLetters);
            rest.awaitState(jobId, "RUNNING", Duration.ofMinutes(2));
            rest.cancel(jobId, Duration.ofMinutes(1));
            ReliabilityReport.record(ReliabilityReport.Row.of(
                    name,
                    tally,
                    String.format(
                            "output stalled %.1f s (%.1f s after the broker was back); %d job failure(s),"
                                    + " recovered by itself",
                            stall.toMillis() / 1000.0, afterReturn.toMillis() / 1000.0, failures),
                    how + ", " + RECORDS_PER_SECOND + " records/s"));
        }
    }
}
