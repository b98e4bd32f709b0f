package org.sentimentstream.testcontainers;

import org.sentimentstream.testcontainers.ReviewRecords.Review;
import org.sentimentstream.testing.SentimentAssertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operations through savepoints while input keeps arriving:
 * <ol>
 *   <li>rescale: stop-with-savepoint at parallelism 2 on one TaskManager, resume at parallelism 4 on two;</li>
 *   <li>model upgrade: stop-with-savepoint again, resume with {@code --model} the compact model (the
 *       distribution's models/sst2-minilm-l6) instead of the tiny test model.</li>
 * </ol>
 * Every input comes out exactly once; every output's {@code sentiment.model} names the model that scored it; in
 * each output partition all outputs of the tiny model come before the first of the compact one, and the tiny
 * model's outputs carry its reference logits.
 */
@Tag("reliability")
class SavepointITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SavepointITCase.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 9_000;
    private static final int RECORDS_PER_SECOND = 60;
    private static final String SAVEPOINTS = "/opt/sentiment/savepoints";
    private static final String COMPACT_MODEL_DIR = "/opt/sentiment/models/sst2-minilm-l6";

    @TempDir
    static Path temp;

    private static KafkaWithFlinkCluster containers;

    @BeforeAll
    static void startContainers() throws Exception {
        Path savepoints = Files.createDirectories(temp.resolve("savepoints"));
        containers = new KafkaWithFlinkCluster(2, false);
        containers.flink.withSharedDirectory(savepoints, SAVEPOINTS).withModel(compactModel(), COMPACT_MODEL_DIR);
        containers.startAll();
    }

    @AfterAll
    static void stopContainers() {
        if (containers != null) {
            containers.close();
        }
    }

    /** The distribution's compact model, from the repository's models/. */
    static Path compactModel() {
        Path dir = Path.of(System.getProperty("sentiment.deploy.dir", "../deploy"))
                .resolveSibling("models")
                .resolve("sst2-minilm-l6");
        if (!Files.isRegularFile(dir.resolve("model.onnx"))) {
            throw new IllegalStateException(dir + " lacks model.onnx: the compact model is committed under models/");
        }
        return dir;
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void rescaleThenUpgradeTheModelWhileInputArrives() throws Exception {
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), 4);
        List<Review> reviews = ReviewRecords.generate("sp", RECORDS, 50);
        FlinkRestClient rest = containers.flink.rest();
        String jarId = rest.uploadJar(FlinkSessionCluster.clusterJobJar());
        List<String> tinyArgs = JobArguments.run(topics, "savepoint");
        List<String> compactArgs = new ArrayList<>(tinyArgs);
        compactArgs.set(compactArgs.indexOf("--model") + 1, COMPACT_MODEL_DIR);

        try (OutputWatch watch = new OutputWatch(topics)) {
            String job1 = rest.runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, tinyArgs, 2);
            rest.awaitAllTasksRunning(job1, Duration.ofMinutes(2));
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> producing =
                    CompletableFuture.runAsync(() -> topics.producePaced(reviews, RECORDS_PER_SECOND, sent));

            // 1. rescale: p=2 on one TaskManager -> p=4 on two
            watch.awaitCount(1_000, Duration.ofMinutes(4));
            long rescaleStart = System.nanoTime();
            String savepoint1 = rest.stopWithSavepoint(job1, SAVEPOINTS, Duration.ofMinutes(3));
            int sentAtRescale = sent.get();
            containers.flink.startTaskManager();
            String job2 = rest.runJarFromSavepoint(jarId, FlinkSessionCluster.ENTRY_CLASS, tinyArgs, 4, savepoint1);
            rest.awaitAllTasksRunning(job2, Duration.ofMinutes(3));
            int outputsAtRescale = watch.count();
            LOG.info("Rescaled 2 -> 4 through {} after {} sent", savepoint1, sentAtRescale);

            // 2. model upgrade: tiny -> compact, at p=4
            watch.awaitCount(outputsAtRescale + 1_000, Duration.ofMinutes(4));
            long upgradeStart = System.nanoTime();
            String savepoint2 = rest.stopWithSavepoint(job2, SAVEPOINTS, Duration.ofMinutes(3));
            int sentAtUpgrade = sent.get();
            String job3 = rest.runJarFromSavepoint(jarId, FlinkSessionCluster.ENTRY_CLASS, compactArgs, 4, savepoint2);
            rest.awaitAllTasksRunning(job3, Duration.ofMinutes(3));
            LOG.info("Upgraded the model through {} after {} sent", savepoint2, sentAtUpgrade);
            assertThat(sentAtUpgrade).as("input still arriving at the upgrade").isLessThan(RECORDS);

            producing.get(8, TimeUnit.MINUTES);
            watch.awaitCount(RECORDS, Duration.ofMinutes(8));
            Duration rescaleStall = watch.longestStall(rescaleStart, outputsAtRescale + 1_000);
            Duration upgradeStall = watch.longestStall(upgradeStart, RECORDS);

            int expectedScored = (int) reviews.stream().filter(Review::scored).count();
            Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                    topics.readCommitted(topics.output, expectedScored, Duration.ofMinutes(2));
            Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                    topics.readCommitted(topics.deadLetters, RECORDS - expectedScored, Duration.ofMinutes(1));
            DeliveryCheck.Tally tally = DeliveryCheck.tally(reviews, scored, deadLetters);
            Map<String, Integer> byModel = checkModels(reviews, scored);
            LOG.info(
                    "Savepoints: {}; outputs by model {}; stalls: rescale {} ms, upgrade {} ms",
                    tally,
                    byModel,
                    rescaleStall.toMillis(),
                    upgradeStall.toMillis());
            assertThat(tally.lost()).as("lost (%s)", tally).isZero();
            assertThat(tally.duplicates()).as("duplicated (%s)", tally).isZero();
            assertThat(tally.misrouted()).as("misrouted (%s)", tally).isZero();
            assertThat(byModel).as("outputs by model").containsOnlyKeys("tiny-distilbert", "sst2-minilm-l6");
            assertThat(rest.failures(job3)).as("failures after the upgrade").isZero();
            rest.cancel(job3, Duration.ofMinutes(1));

            ReliabilityReport.record(ReliabilityReport.Row.of(
                    "Rescale 2 -> 4 through a savepoint",
                    tally,
                    String.format(
                            "output stalled %.1f s (stop-with-savepoint, new TaskManager, resume)",
                            rescaleStall.toMillis() / 1000.0),
                    "p=2 on 1 TaskManager -> p=4 on 2; input kept arriving at " + RECORDS_PER_SECOND
                            + "/s; same run as the model upgrade"));
            ReliabilityReport.record(ReliabilityReport.Row.of(
                    "Model upgrade through a savepoint",
                    tally,
                    String.format("output stalled %.1f s", upgradeStall.toMillis() / 1000.0),
                    String.format(
                            "tiny-distilbert scored %,d, sst2-minilm-l6 scored %,d; each output names its"
                                    + " model; same run as the rescale",
                            byModel.get("tiny-distilbert"), byModel.get("sst2-minilm-l6"))));
        }
    }

    /**
     * Outputs by model name; each names one of the two models, the tiny model's carry its reference logits, and in
     * every partition no output of the tiny model follows one of the compact model.
     */
    private static Map<String, Integer> checkModels(
            List<Review> reviews, Map<String, List<ConsumerRecord<byte[], byte[]>>> scored) throws Exception {
        Map<String, Review> byKey = new HashMap<>();
        reviews.forEach(r -> byKey.put(r.key(), r));
        Map<String, Integer> byModel = new HashMap<>();
        Map<Integer, Long> firstCompactOffset = new HashMap<>();
        Map<Integer, Long> lastTinyOffset = new HashMap<>();
        for (List<ConsumerRecord<byte[], byte[]>> outs : scored.values()) {
            for (ConsumerRecord<byte[], byte[]> out : outs) {
                JsonNode sentiment = JSON.readTree(out.value()).get("sentiment");
                String model = sentiment.get("model").asText();
                String name = model.substring(0, model.indexOf("@sha256:"));
                byModel.merge(name, 1, Integer::sum);
                if (name.equals("tiny-distilbert")) {
                    SentimentAssertions.assertScoredByDefault(
                            sentiment, byKey.get(new String(out.key())).reference());
                    lastTinyOffset.merge(out.partition(), out.offset(), Math::max);
                } else {
                    assertThat(sentiment.get("label").asText()).isIn("NEGATIVE", "POSITIVE");
                    firstCompactOffset.merge(out.partition(), out.offset(), Math::min);
                }
            }
        }
        lastTinyOffset.forEach((partition, last) -> assertThat(last)
                .as("partition %d: tiny outputs before the compact model's", partition)
                .isLessThan(firstCompactOffset.getOrDefault(partition, Long.MAX_VALUE)));
        return byModel;
    }
}
