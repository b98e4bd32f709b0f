package org.sentimentstream.testcontainers;

import org.sentimentstream.testcontainers.FaultyModels.Fault;
import org.sentimentstream.testcontainers.ReviewRecords.Review;
import org.sentimentstream.testing.ModelVariants;
import org.sentimentstream.testing.SentimentAssertions;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TinyModel;
import org.sentimentstream.udf.ModelAnnouncement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model updates of a running job on a session cluster, while input arrives at a steady rate, exactly-once, read
 * back with read_committed and every key accounted for:
 * <ol>
 *   <li>a new model announced on the control topic: every subtask switches once, between batches, and never back;</li>
 *   <li>the same by watching a versioned model location (a volume every TaskManager mounts);</li>
 *   <li>a corrupt model, one that breaks the model contract and one with another label set, announced in turn: each
 *       refused and counted, the running model keeps serving;</li>
 *   <li>a TaskManager killed after a swap: the restored job scores with the model it had switched to.</li>
 * </ol>
 * The new model is the tiny model under a new identity ({@link TestModels#variant}): it scores exactly
 * as the old one, so every output is checked against the reference logits and its {@code model} tells which of
 * the two scored it. One cluster serves all four.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelUpdateITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdateITCase.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SLOTS = 2;
    private static final int RECORDS = 20_000;
    private static final int RECORDS_PER_SECOND = 700;
    private static final int ANNOUNCE_AFTER = 5_000;
    /** Where every Flink process sees the host's {@link #updates}: announced models and watched versions. */
    private static final String UPDATES = "/opt/sentiment/updates";

    @TempDir
    static Path temp;

    private static Path updates;
    private static KafkaWithFlinkCluster containers;
    private static FlinkRestClient rest;
    private static String jarId;

    @BeforeAll
    static void startContainers() throws Exception {
        updates = Files.createDirectories(temp.resolve("updates"));
        containers = new KafkaWithFlinkCluster(SLOTS, false);
        containers.flink.withSharedDirectory(updates, UPDATES);
        containers.startAll();
        rest = containers.flink.rest();
        jarId = rest.uploadJar(FlinkSessionCluster.clusterJobJar());
    }

    @AfterAll
    static void stopContainers() {
        if (containers != null) {
            containers.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void announcedOnTheControlTopic() throws Exception {
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        String control = createControlTopic(topics);
        Path v2 = TestModels.variant(
                TestModels.tinyModelDir(), updates.resolve("tiny-distilbert-v2-" + topics.suffix), "v2");
        List<Review> reviews = ReviewRecords.generate("ct", RECORDS, 50);

        Run run = runAndUpdate(
                topics,
                JobArguments.run(topics, "control", "--model-control-topic", control),
                reviews,
                ANNOUNCE_AFTER,
                () -> announce(topics, control, inContainer(v2), sha256(v2)));

        assertSwitchedOnce(run, reviews, TinyModel.IDENTITY, identitySuffix(v2));
        assertThat(awaitMetricSum(run.jobId, "modelUpdates", SLOTS)).as("swaps").isEqualTo(SLOTS);
        assertThat(rest.metrics(run.jobId, "activeModel").values())
                .as("active model of each subtask")
                .hasSize(SLOTS)
                .allSatisfy(model -> assertThat(model).endsWith(identitySuffix(v2)));
        assertThat(rest.metrics(run.jobId, "lastModelSwapTime").values())
                .allSatisfy(t -> assertThat(Long.parseLong(t)).isGreaterThanOrEqualTo(run.announcedAtMillis));
        assertThat(rest.failures(run.jobId)).as("failures").isZero();
        rest.cancel(run.jobId, Duration.ofMinutes(1));
        report(
                "Model update through the control topic",
                run,
                "announced on the control topic after " + ANNOUNCE_AFTER + " sent");
    }

    @Test
    @Order(2)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void foundByWatchingTheModelLocation() throws Exception {
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        Path versions = Files.createDirectories(updates.resolve("versions-" + topics.suffix));
        ModelVariants.copyOf(TestModels.tinyModelDir(), versions.resolve("1"));
        writeLatest(versions, "1");
        Path v2 = versions.resolve("2");
        List<Review> reviews = ReviewRecords.generate("w", RECORDS, 50);
        List<String> args = JobArguments.run(topics, "watch", "--model-watch", "1 s");
        args.set(args.indexOf("--model") + 1, inContainer(versions));
        String v1Identity = identitySuffix(versions.resolve("1"));

        // a new version is written whole first; LATEST then names it in one atomic rename
        Run run = runAndUpdate(topics, args, reviews, ANNOUNCE_AFTER, () -> {
            TestModels.variant(TestModels.tinyModelDir(), v2, "v2");
            writeLatest(versions, "2");
        });

        assertSwitchedOnce(run, reviews, v1Identity, identitySuffix(v2));
        assertThat(awaitMetricSum(run.jobId, "modelUpdates", SLOTS)).as("swaps").isEqualTo(SLOTS);
        assertThat(rest.failures(run.jobId)).as("failures").isZero();
        rest.cancel(run.jobId, Duration.ofMinutes(1));
        report(
                "Model update by watching a model location",
                run,
                "version 2 written beside 1 under a volume"
                        + " every TaskManager mounts, then named in LATEST, after " + ANNOUNCE_AFTER + " sent; watched"
                        + " every 1 s");
    }

    @Test
    @Order(3)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void badModelsAreRefusedAndTheRunningOneKeepsServing() throws Exception {
        int records = 6_000;
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        String control = createControlTopic(topics);
        Path faulty = updates.resolve("faulty-" + topics.suffix);
        List<Path> bad = List.of(
                FaultyModels.create(faulty, Fault.CORRUPT_MODEL_FILE),
                FaultyModels.create(faulty, Fault.WRONG_INPUT_NAME),
                ModelVariants.withLabels(
                        TestModels.tinyModelDir(), faulty.resolve("other-labels"), List.of("neg", "pos")));
        List<Review> reviews = ReviewRecords.generate("r", records, 50);
        List<String> args = JobArguments.run(topics, "refused", "--model-control-topic", control);

        String jobId = rest.runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, args, SLOTS);
        rest.awaitAllTasksRunning(jobId, Duration.ofMinutes(2));
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> producing =
                CompletableFuture.runAsync(() -> topics.producePaced(reviews, RECORDS_PER_SECOND, sent));
        for (int i = 0; i < bad.size(); i++) {
            int after = (i + 1) * records / (bad.size() + 1);
            awaitSent(sent, after);
            announce(topics, control, inContainer(bad.get(i)), null);
            LOG.info("Announced {} after {} sent", bad.get(i).getFileName(), sent.get());
        }
        producing.get(5, TimeUnit.MINUTES);
        Outputs outputs = readBack(topics, reviews);

        DeliveryCheck.assertExactlyOnce(reviews, topics, outputs.scored, outputs.deadLetters); // all by the tiny model
        int refused = awaitMetricSum(jobId, "modelUpdatesRefused", bad.size() * SLOTS);
        assertThat(refused)
                .as("refusals: %d models on %d subtasks", bad.size(), SLOTS)
                .isEqualTo(bad.size() * SLOTS);
        assertThat(metricSum(jobId, "modelUpdates")).as("swaps").isZero();
        assertThat(rest.failures(jobId)).as("failures").isZero();
        rest.cancel(jobId, Duration.ofMinutes(1));

        DeliveryCheck.Tally tally = outputs.tally;
        ReliabilityReport.record(ReliabilityReport.Row.of(
                "Model updates refused (corrupt, contract, labels)",
                tally,
                "none needed: the running model kept serving",
                String.format(
                        "a corrupt model.onnx, a graph without the attention_mask input and another label set"
                                + " announced in turn; modelUpdatesRefused %d (%d models x %d subtasks),"
                                + " every output by the running model",
                        refused, bad.size(), SLOTS)));
    }

    @Test
    @Order(4)
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aRestoredJobScoresWithTheModelItSwitchedTo() throws Exception {
        int records = 12_000;
        // slower, so that the stream still flows after the swap, the metrics' report (every 10 s) and checkpoints
        int perSecond = 400;
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        String control = createControlTopic(topics);
        Path v2 = TestModels.variant(
                TestModels.tinyModelDir(), updates.resolve("tiny-distilbert-v2-" + topics.suffix), "v2");
        List<Review> reviews = ReviewRecords.generate("k", records, 50);
        List<String> args = JobArguments.run(topics, "restore", "--model-control-topic", control);
        FlinkSessionCluster flink = containers.flink;

        String jobId = rest.runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, args, SLOTS);
        rest.awaitAllTasksRunning(jobId, Duration.ofMinutes(2));
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> producing =
                CompletableFuture.runAsync(() -> topics.producePaced(reviews, perSecond, sent));
        awaitSent(sent, records / 6);
        announce(topics, control, inContainer(v2), sha256(v2));
        assertThat(awaitMetricSum(jobId, "modelUpdates", SLOTS)).as("swaps").isEqualTo(SLOTS);
        // a checkpoint taken after both swaps holds the new model in the operator state
        long checkpoints = rest.completedCheckpoints(jobId);
        awaitCheckpoints(jobId, checkpoints + 2);
        int sentAtKill = sent.get();
        flink.kill(flink.taskManagers().get(0));
        LOG.info("Killed the TaskManager after the swap, {} sent", sentAtKill);
        assertThat(sentAtKill).as("killed while the stream flows").isLessThan(records);
        flink.startTaskManager();

        producing.get(5, TimeUnit.MINUTES);
        Outputs outputs = readBack(topics, reviews);
        Map<Integer, Integer> afterSwap = assertNeverBack(outputs, reviews, TinyModel.IDENTITY, identitySuffix(v2));
        rest.awaitAllTasksRunning(jobId, Duration.ofMinutes(2));
        assertThat(rest.failures(jobId)).as("the job failed over").isPositive();
        assertThat(rest.restoredCheckpoint(jobId))
                .as("the job restored a checkpoint")
                .isPositive();
        assertThat(awaitMetricValues(jobId, "activeModel", SLOTS))
                .as("active model after the restore")
                .allSatisfy(model -> assertThat(model).endsWith(identitySuffix(v2)));
        rest.cancel(jobId, Duration.ofMinutes(1));

        DeliveryCheck.Tally tally = outputs.tally;
        ReliabilityReport.record(ReliabilityReport.Row.of(
                "TaskManager killed after a model update",
                tally,
                "restored from checkpoint " + rest.restoredCheckpoint(jobId) + " with the new model",
                "SIGKILL after both subtasks swapped and two checkpoints completed, " + sentAtKill + " sent, at "
                        + perSecond + "/s; outputs of the new model by input partition " + afterSwap
                        + ", none of the old one after them"));
    }

    // ---- running a job through an update

    /** A run that announced an update mid-stream, with its outputs and the stalls around the update. */
    private record Run(
            String jobId,
            long announcedAtMillis,
            int sentAtAnnouncement,
            Outputs outputs,
            Duration stallAroundUpdate,
            Duration stallBefore) {}

    private record Outputs(
            Map<String, List<ConsumerRecord<byte[], byte[]>>> scored,
            Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters,
            DeliveryCheck.Tally tally) {}

    /** An update an operator makes while the job runs. */
    private interface Update {
        void apply() throws Exception;
    }

    /**
     * Runs the job on {@code args}, produces the reviews at a steady rate, makes the {@code update} once
     * {@code announceAfter} are sent, and reads everything back. The stalls are measured as SavepointITCase
     * measures the savepoint path's: the longest time without a newly committed output, here from the update to
     * the last output, and for comparison from 1,000 outputs to the update.
     */
    private static Run runAndUpdate(
            KafkaTopics topics, List<String> args, List<Review> reviews, int announceAfter, Update update)
            throws Exception {
        try (OutputWatch watch = new OutputWatch(topics)) {
            String jobId = rest.runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, args, SLOTS);
            rest.awaitAllTasksRunning(jobId, Duration.ofMinutes(2));
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> producing =
                    CompletableFuture.runAsync(() -> topics.producePaced(reviews, RECORDS_PER_SECOND, sent));
            watch.awaitCount(1_000, Duration.ofMinutes(3));
            long steadyFrom = System.nanoTime();
            awaitSent(sent, announceAfter);
            int outputsBefore = watch.count();
            long announcedAtNanos = System.nanoTime();
            long announcedAtMillis = System.currentTimeMillis();
            int sentAtAnnouncement = sent.get();
            update.apply();
            LOG.info("Updated the model after {} sent, {} outputs", sentAtAnnouncement, outputsBefore);
            assertThat(sentAtAnnouncement).as("updated while input arrives").isLessThan(reviews.size());

            producing.get(5, TimeUnit.MINUTES);
            watch.awaitCount(reviews.size(), Duration.ofMinutes(4));
            Duration around = watch.longestStall(announcedAtNanos, reviews.size());
            Duration before = watch.longestStall(steadyFrom, outputsBefore);
            Outputs outputs = readBack(topics, reviews);
            LOG.info(
                    "{}: longest stall without committed output {} ms after the update, {} ms before it",
                    outputs.tally,
                    around.toMillis(),
                    before.toMillis());
            return new Run(jobId, announcedAtMillis, sentAtAnnouncement, outputs, around, before);
        }
    }

    private static Outputs readBack(KafkaTopics topics, List<Review> reviews) {
        int expectedScored = (int) reviews.stream().filter(Review::scored).count();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                topics.readCommitted(topics.output, expectedScored, Duration.ofMinutes(3));
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                topics.readCommitted(topics.deadLetters, reviews.size() - expectedScored, Duration.ofMinutes(1));
        return new Outputs(scored, deadLetters, DeliveryCheck.tally(reviews, scored, deadLetters));
    }

    // ---- what the outputs must show

    /** Exactly once, and each subtask switched from the old model to the new one once, never back. */
    private static void assertSwitchedOnce(Run run, List<Review> reviews, String oldIdentity, String newIdentity)
            throws Exception {
        DeliveryCheck.Tally tally = run.outputs.tally;
        assertThat(tally.lost()).as("lost (%s)", tally).isZero();
        assertThat(tally.duplicates()).as("duplicated (%s)", tally).isZero();
        assertThat(tally.misrouted()).as("misrouted (%s)", tally).isZero();
        assertThat(tally.scored() + tally.deadLetters()).as("in = out").isEqualTo(reviews.size());
        assertNeverBack(run.outputs, reviews, oldIdentity, newIdentity);
    }

    /**
     * Groups the scored outputs by input partition (one subtask's share: as many partitions as subtasks), in input
     * order, and requires in each the old model's outputs, then the new model's, and no old one after a new one;
     * each output carries the reference logits (the new model has the old one's weights). Returns the new
     * model's outputs by partition.
     */
    private static Map<Integer, Integer> assertNeverBack(
            Outputs outputs, List<Review> reviews, String oldIdentity, String newIdentity) throws Exception {
        Map<Integer, List<String>> modelsByPartition = new TreeMap<>();
        for (int seq = 0; seq < reviews.size(); seq++) {
            Review review = reviews.get(seq);
            if (!review.scored()) {
                continue;
            }
            ConsumerRecord<byte[], byte[]> out =
                    outputs.scored.get(review.key()).get(0);
            JsonNode sentiment = JSON.readTree(out.value()).get("sentiment");
            String model = sentiment.get("model").asText();
            assertThat(model)
                    .as("model of %s", review.key())
                    .matches(m -> m.endsWith(oldIdentity) || m.endsWith(newIdentity));
            // the new model is the old one's network: the reference results, under its own identity
            ObjectNode asTiny = sentiment.deepCopy();
            asTiny.put("model", TinyModel.IDENTITY);
            SentimentAssertions.assertScoredByDefault(asTiny, review.reference());
            modelsByPartition
                    .computeIfAbsent(inputPartition(review.key()), p -> new ArrayList<>())
                    .add(model.endsWith(newIdentity) ? "new" : "old");
        }
        assertThat(modelsByPartition).as("input partitions").hasSize(SLOTS);
        Map<Integer, Integer> newByPartition = new TreeMap<>();
        modelsByPartition.forEach((partition, models) -> {
            int firstNew = models.indexOf("new");
            assertThat(firstNew)
                    .as("partition %d: outputs of the old model, then the new", partition)
                    .isPositive();
            assertThat(models.subList(firstNew, models.size()))
                    .as("partition %d: an old model's output after the first of the new one", partition)
                    .containsOnly("new");
            newByPartition.put(partition, models.size() - firstNew);
        });
        return newByPartition;
    }

    /** The partition the kit's producer wrote a key to: Kafka's default partitioner for keyed records. */
    private static int inputPartition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % SLOTS;
    }

    private static void report(String scenario, Run run, String how) {
        DeliveryCheck.Tally tally = run.outputs.tally;
        ReliabilityReport.record(ReliabilityReport.Row.of(
                scenario,
                tally,
                String.format(
                        "longest stall %.1f s around the swap (%.1f s before it; savepoint path: see its row)",
                        run.stallAroundUpdate.toMillis() / 1000.0, run.stallBefore.toMillis() / 1000.0),
                how + " at " + RECORDS_PER_SECOND + "/s, exactly-once, checkpoints every 1 s; " + SLOTS
                        + " subtasks each switched once and never back"));
    }

    // ---- announcements, versions, metrics

    private static String createControlTopic(KafkaTopics topics) {
        String control = "models-" + topics.suffix;
        try (Admin admin = topics.admin()) {
            org.sentimentstream.embedded.Topics.create(
                    admin, org.sentimentstream.embedded.Topics.spec(1), List.of(control));
        }
        return control;
    }

    private static void announce(KafkaTopics topics, String control, String model, String sha256) throws Exception {
        String json = new ModelAnnouncement(model, sha256, List.of()).toJson();
        try (KafkaProducer<byte[], byte[]> producer = topics.producer()) {
            producer.send(new ProducerRecord<>(
                            control, "model".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)))
                    .get(1, TimeUnit.MINUTES);
        }
    }

    /** Names {@code version} in the root's LATEST with one atomic rename, so that no reader sees half a name. */
    private static void writeLatest(Path versions, String version) throws Exception {
        Path next = Files.writeString(versions.resolve(".LATEST.next"), version + "\n");
        Files.move(next, versions.resolve("LATEST"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String inContainer(Path hostPath) {
        return UPDATES + "/" + updates.relativize(hostPath).toString().replace('\\', '/');
    }

    private static String sha256(Path modelDir) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(modelDir.resolve("model.onnx"))));
    }

    /** The end of the identity results carry: {@code @sha256:} and the first 12 hex digits. */
    private static String identitySuffix(Path modelDir) throws Exception {
        return "@sha256:" + sha256(modelDir).substring(0, 12);
    }

    private static void awaitSent(AtomicInteger sent, int atLeast) throws InterruptedException {
        await(n -> sent.get() >= n, atLeast, "records sent");
    }

    private static void await(IntPredicate done, int target, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!done.test(target)) {
            assertThat(System.nanoTime()).as("%d %s", target, what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static int metricSum(String jobId, String name) throws Exception {
        return rest.metrics(jobId, name).values().stream()
                .mapToInt(v -> (int) Double.parseDouble(v))
                .sum();
    }

    /** The sum of a counter over the subtasks once it reached {@code expected} (at most 90 s: metrics lag). */
    private static int awaitMetricSum(String jobId, String name, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int sum;
        while ((sum = metricSum(jobId, name)) < expected && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
        }
        return sum;
    }

    /** A gauge's values once every subtask reports one (at most 90 s). */
    private static List<String> awaitMetricValues(String jobId, String name, int subtasks) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Map<String, String> values;
        while ((values = rest.metrics(jobId, name)).size() < subtasks && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
        }
        return List.copyOf(values.values());
    }

    private static void awaitCheckpoints(String jobId, long atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (rest.completedCheckpoints(jobId) < atLeast) {
            assertThat(System.nanoTime()).as("%d checkpoints", atLeast).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
