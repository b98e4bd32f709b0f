package org.sentimentstream.testcontainers;

import org.sentimentstream.testcontainers.ReviewRecords.Review;
import org.sentimentstream.testing.PrometheusScrape;
import org.sentimentstream.testing.TestModels;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production image (deploy/docker/Dockerfile) in application mode, as the Kubernetes operator and the compose
 * stack run it: a JobManager started with {@code standalone-job} and a TaskManager, both from the image, with a
 * Kafka container. Reviews in, every output checked; then Flink's Prometheus reporter on port 9249 lists the job's
 * own metrics with the counts of this run, and every metric the Grafana dashboard queries.
 */
class ProductionImageITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ProductionImageITCase.class);
    private static final int SLOTS = 2;
    private static final String METRIC = "flink_taskmanager_job_task_operator_sentiment_";

    private static Network network;
    private static KafkaContainer kafka;
    private static final List<GenericContainer<?>> flink = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        network = Network.newNetwork();
        kafka = Containers.kafka(network);
        kafka.start();
    }

    @AfterAll
    static void stopContainers() {
        flink.forEach(GenericContainer::stop);
        if (kafka != null) {
            kafka.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void applicationModeScoresAndExportsItsMetrics() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka.getBootstrapServers(), SLOTS);
        List<Review> reviews = ReviewRecords.generate("img-", 1500, 30);
        topics.produce(reviews);
        DockerImageName image = DockerImageName.parse(ProductionImage.build());

        List<String> command =
                new ArrayList<>(List.of("standalone-job", "--job-classname", FlinkSessionCluster.ENTRY_CLASS));
        command.addAll(JobArguments.run(topics, "image"));
        GenericContainer<?> jobManager = new GenericContainer<>(image)
                .withNetwork(network)
                .withNetworkAliases("jobmanager")
                .withCommand(command.toArray(String[]::new))
                .withEnv("FLINK_PROPERTIES", "jobmanager.rpc.address: jobmanager\nparallelism.default: " + SLOTS)
                .withExposedPorts(8081, 9249)
                .withLogConsumer(Containers.logFile("image-jobmanager"))
                .waitingFor(Wait.forHttp("/overview").forPort(8081).forStatusCode(200))
                .withStartupTimeout(Duration.ofMinutes(3));
        GenericContainer<?> taskManager = new GenericContainer<>(image)
                .withNetwork(network)
                .withCommand("taskmanager")
                .withEnv(
                        "FLINK_PROPERTIES",
                        "jobmanager.rpc.address: jobmanager\ntaskmanager.numberOfTaskSlots: " + SLOTS)
                .withCopyFileToContainer(
                        MountableFile.forHostPath(TestModels.tinyModelDir(), 0755), FlinkSessionCluster.MODEL_DIR)
                .withExposedPorts(9249)
                .withLogConsumer(Containers.logFile("image-taskmanager"))
                .waitingFor(Wait.forLogMessage(".*Successful registration at resource manager.*", 1))
                .withStartupTimeout(Duration.ofMinutes(3));
        flink.add(jobManager);
        jobManager.start();
        flink.add(taskManager);
        taskManager.start();

        int expectedScored = (int) reviews.stream().filter(Review::scored).count();
        int expectedDeadLetters = reviews.size() - expectedScored;
        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                topics.readCommitted(topics.output, expectedScored, Duration.ofMinutes(4));
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                topics.readCommitted(topics.deadLetters, expectedDeadLetters, Duration.ofMinutes(1));
        LOG.info("Production image: {}", DeliveryCheck.tally(reviews, scored, deadLetters));
        DeliveryCheck.assertExactlyOnce(reviews, topics, scored, deadLetters);

        String taskManagerMetrics =
                "http://" + taskManager.getHost() + ":" + taskManager.getMappedPort(9249) + "/metrics";
        String jobManagerMetrics = "http://" + jobManager.getHost() + ":" + jobManager.getMappedPort(9249) + "/metrics";
        PrometheusScrape tm = awaitScrape(taskManagerMetrics, s -> s.sum(METRIC + "recordsScored") >= expectedScored);
        assertThat(tm.sum(METRIC + "recordsScored")).as("records scored").isEqualTo(expectedScored);
        assertThat(tm.sum(METRIC + "reason_deadLetters")).as("dead letters").isEqualTo(expectedDeadLetters);
        assertThat(tm.sum(METRIC + "batches")).as("batches").isPositive().isLessThan(expectedScored);
        assertThat(tm.max(METRIC + "paddingEfficiency")).isGreaterThan(0).isLessThanOrEqualTo(1);
        assertThat(tm.sum(METRIC + "batchSize_count")).isPositive();

        awaitScrape(jobManagerMetrics, s -> s.max("flink_jobmanager_job_numberOfCompletedCheckpoints") > 0);
        PrometheusScrape both = PrometheusScrape.fetchAll(jobManagerMetrics, taskManagerMetrics);
        assertThat(ProductionImage.dashboard().problems(both))
                .as("dashboard queries against the image's metrics")
                .isEmpty();
    }

    private static PrometheusScrape awaitScrape(String url, java.util.function.Predicate<PrometheusScrape> ready)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        PrometheusScrape scrape = PrometheusScrape.fetch(url);
        while (!ready.test(scrape) && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            scrape = PrometheusScrape.fetch(url);
        }
        return scrape;
    }
}
