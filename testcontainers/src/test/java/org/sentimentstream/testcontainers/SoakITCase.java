package org.sentimentstream.testcontainers;

import org.sentimentstream.testcontainers.ReviewRecords.Review;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak: the job on a session cluster for {@code -Dsentiment.soak.minutes} (30 by default) at half the
 * capacity measured first on the same cluster, sampling every 20 s the TaskManager's RSS and heap, the last
 * checkpoint's duration, the consumer lag and the p99 end-to-end latency (input timestamp to committed output).
 * Writes {@code -Dsentiment.soak.report} (a markdown report), a CSV and an SVG chart beside it. Not part of CI:
 * testcontainers/reliability/soak.sh runs it.
 */
@Tag("soak")
class SoakITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SoakITCase.class);
    private static final int SLOTS = 2;
    private static final int CAPACITY_RECORDS = 8_000;
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(20);
    /** RSS slope after the warm-up: the first minutes fill caches, pools and the JIT's code cache. */
    private static final double WARM_UP_MINUTES = 5;

    private static KafkaWithFlinkCluster containers;

    @BeforeAll
    static void startContainers() {
        containers = KafkaWithFlinkCluster.start(SLOTS);
    }

    @AfterAll
    static void stopContainers() {
        if (containers != null) {
            containers.close();
        }
    }

    record Sample(
            double minutes, double rssMb, double heapMb, double checkpointMs, long lag, long p99Ms, int outputs) {}

    @Test
    void soakAtHalfCapacity() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("sentiment.soak.minutes", "30"));
        Path report = Path.of(System.getProperty("sentiment.soak.report", "target/soak/soak.md"));
        FlinkRestClient rest = containers.flink.rest();
        GenericContainer<?> taskManager = containers.flink.taskManagers().get(0);
        String jarId = rest.uploadJar(FlinkSessionCluster.clusterJobJar());

        double capacity = measureCapacity(rest, jarId);
        int rate = (int) Math.max(10, capacity / 2);
        int total = (int) (rate * minutes * 60);
        LOG.info("Capacity {} records/s; soaking {} min at {} records/s ({} records)", capacity, minutes, rate, total);

        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        List<Review> reviews = ReviewRecords.generate("k", total, 100);
        String jobId = rest.runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, JobArguments.run(topics, "soak"), SLOTS);
        rest.awaitAllTasksRunning(jobId, Duration.ofMinutes(2));
        List<Sample> samples = new ArrayList<>();
        AtomicLong producedAt = new AtomicLong();
        double producedMinutes;
        try (OutputWatch watch = new OutputWatch(topics);
                Admin admin = topics.admin()) {
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> producing = CompletableFuture.runAsync(
                            () -> topics.producePaced(reviews, rate, sent))
                    .whenComplete((v, e) -> producedAt.set(System.nanoTime()));
            long start = System.nanoTime();
            int lastCount = 0;
            while (!producing.isDone() || watch.count() < total) {
                Thread.sleep(SAMPLE_EVERY.toMillis());
                int count = watch.count();
                Sample s = new Sample(
                        (System.nanoTime() - start) / 60e9,
                        TaskManagerMemory.rss(taskManager) / 1048576.0,
                        TaskManagerMemory.jvmMetric(rest, "Status.JVM.Memory.Heap.Used") / 1048576.0,
                        rest.get("/jobs/" + jobId + "/checkpoints")
                                .path("latest")
                                .path("completed")
                                .path("end_to_end_duration")
                                .asDouble(-1),
                        lag(admin, topics, "soak-" + topics.suffix),
                        watch.p99LatencyMs(lastCount),
                        count);
                lastCount = count;
                samples.add(s);
                LOG.info("Soak {}", s);
                if (s.minutes() > minutes + 10) {
                    break;
                }
            }
            producing.get(1, TimeUnit.MINUTES);
            producedMinutes = producedAt.get() == 0 ? Double.NaN : (producedAt.get() - start) / 60e9;
        }
        int expectedScored = (int) reviews.stream().filter(Review::scored).count();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                topics.readCommitted(topics.output, expectedScored, Duration.ofMinutes(5));
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                topics.readCommitted(topics.deadLetters, total - expectedScored, Duration.ofMinutes(2));
        DeliveryCheck.Tally tally = DeliveryCheck.tally(reviews, scored, deadLetters);
        int failures = rest.failures(jobId);
        rest.cancel(jobId, Duration.ofMinutes(1));

        double slope = rssSlopeMbPerHour(samples);
        write(report, samples, tally, capacity, rate, minutes, slope, failures, producedMinutes);
        ReliabilityReport.record(ReliabilityReport.Row.of(
                String.format(Locale.ROOT, "Soak %.0f min", minutes),
                tally,
                failures + " job failure(s)",
                String.format(
                        Locale.ROOT,
                        "aimed at %d records/s (half of %.0f"
                                + " measured), achieved %.0f/s; RSS slope %+.1f MB/h after %.0f min; see docs/soak.md",
                        rate,
                        capacity,
                        tally.inputs() / (producedMinutes * 60),
                        slope,
                        WARM_UP_MINUTES)));
        assertThat(tally.lost()).as("lost (%s)", tally).isZero();
        assertThat(tally.duplicates()).as("duplicated (%s)", tally).isZero();
    }

    /** Records per second the job scores on this cluster when a backlog waits: the median of 10 s windows. */
    private static double measureCapacity(FlinkRestClient rest, String jarId) throws Exception {
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        topics.produce(ReviewRecords.generate("cap", CAPACITY_RECORDS, 100));
        String jobId = rest.runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, JobArguments.run(topics, "capacity"), SLOTS);
        rest.awaitAllTasksRunning(jobId, Duration.ofMinutes(2));
        double capacity;
        try (OutputWatch watch = new OutputWatch(topics)) {
            watch.awaitCount(500, Duration.ofMinutes(3)); // after start-up: sessions open, JIT warm
            int from = watch.count();
            long t0 = System.nanoTime();
            watch.awaitCount(CAPACITY_RECORDS, Duration.ofMinutes(10));
            capacity = (CAPACITY_RECORDS - from) / ((System.nanoTime() - t0) / 1e9);
        }
        rest.cancel(jobId, Duration.ofMinutes(1));
        return capacity;
    }

    /** Input records not yet committed by the job's consumer group (it commits on checkpoints). */
    private static long lag(Admin admin, KafkaTopics topics, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < SLOTS; p++) {
            latest.put(new TopicPartition(topics.input, p), OffsetSpec.latest());
        }
        long lag = 0;
        for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** Least-squares slope of RSS over time after the warm-up, in MB per hour. */
    static double rssSlopeMbPerHour(List<Sample> samples) {
        List<Sample> after =
                samples.stream().filter(s -> s.minutes() >= WARM_UP_MINUTES).toList();
        if (after.size() < 3) {
            return Double.NaN;
        }
        double mx = after.stream().mapToDouble(Sample::minutes).average().orElse(0);
        double my = after.stream().mapToDouble(Sample::rssMb).average().orElse(0);
        double num = 0;
        double den = 0;
        for (Sample s : after) {
            num += (s.minutes() - mx) * (s.rssMb() - my);
            den += (s.minutes() - mx) * (s.minutes() - mx);
        }
        return den == 0 ? 0 : num / den * 60;
    }

    private static void write(
            Path report,
            List<Sample> samples,
            DeliveryCheck.Tally tally,
            double capacity,
            int rate,
            double minutes,
            double slope,
            int failures,
            double producedMinutes)
            throws Exception {
        Files.createDirectories(report.toAbsolutePath().getParent());
        String base = report.getFileName().toString().replaceFirst("\\.md$", "");
        StringBuilder csv =
                new StringBuilder("minutes,rss_mb,heap_mb,checkpoint_ms,consumer_lag,p99_latency_ms,outputs\n");
        for (Sample s : samples) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%.2f,%.1f,%.1f,%.0f,%d,%d,%d%n",
                    s.minutes(),
                    s.rssMb(),
                    s.heapMb(),
                    s.checkpointMs(),
                    s.lag(),
                    s.p99Ms(),
                    s.outputs()));
        }
        Files.writeString(report.resolveSibling(base + ".csv"), csv, StandardCharsets.UTF_8);
        double[] x = samples.stream().mapToDouble(Sample::minutes).toArray();
        Files.writeString(
                report.resolveSibling(base + ".svg"),
                SoakChart.svg(
                        x,
                        List.of(
                                new SoakChart.Series(
                                        "TaskManager RSS (MB)",
                                        samples.stream()
                                                .mapToDouble(Sample::rssMb)
                                                .toArray()),
                                new SoakChart.Series(
                                        "TaskManager heap used (MB)",
                                        samples.stream()
                                                .mapToDouble(Sample::heapMb)
                                                .toArray()),
                                new SoakChart.Series(
                                        "Last checkpoint, end to end (ms)",
                                        samples.stream()
                                                .mapToDouble(Sample::checkpointMs)
                                                .toArray()),
                                new SoakChart.Series(
                                        "Consumer lag (records not yet committed)",
                                        samples.stream()
                                                .mapToDouble(Sample::lag)
                                                .toArray()),
                                new SoakChart.Series(
                                        "p99 latency, input timestamp to committed output (ms)",
                                        samples.stream()
                                                .mapToDouble(Sample::p99Ms)
                                                .toArray()))),
                StandardCharsets.UTF_8);
        double rssFirst = samples.stream()
                .filter(s -> s.minutes() >= WARM_UP_MINUTES)
                .findFirst()
                .map(Sample::rssMb)
                .orElse(Double.NaN);
        double rssLast =
                samples.isEmpty() ? Double.NaN : samples.get(samples.size() - 1).rssMb();
        long p99Max = samples.stream().mapToLong(Sample::p99Ms).max().orElse(-1);
        double cpMax = samples.stream().mapToDouble(Sample::checkpointMs).max().orElse(-1);
        long lagMax = samples.stream().mapToLong(Sample::lag).max().orElse(-1);
        String md = String.format(
                Locale.ROOT,
                """
                # Soak: %.0f minutes at half capacity

                Generated by `testcontainers/reliability/soak.sh` (SoakITCase) on %s. **The machine was shared**: a
                2-core host on which other builds and tests ran at the same time, so absolute numbers (capacity,
                latency, checkpoint times) are those of a contended machine, not of the job alone.

                - Cluster: a Flink session cluster of containers (1 JobManager, 1 TaskManager with 2 slots, 1600 MB
                  process memory), a single Kafka broker container; the tiny test model; exactly-once, checkpoints
                  every 1 s; 2 input partitions, parallelism 2.
                - Capacity measured first on the same cluster (a backlog of %,d records): **%.0f records/s**; the
                  soak's producer aimed at **%d records/s** for %.0f minutes (%,d records, 1 in 100 malformed) and
                  took %.1f minutes: **%.0f records/s** achieved (its pacing does not catch up on slow sends).
                - Result: %s; %d job failure(s).
                - **TaskManager RSS slope after %.0f min of warm-up: %+.1f MB/hour** (least squares; %.0f MB at
                  %.0f min, %.0f MB at the end).
                - Worst sample: checkpoint %.0f ms end to end, consumer lag %,d records, p99 latency %,d ms.

                ![soak chart](%s)

                Samples every %d s: [%s](%s). Columns: minutes since the soak began, TaskManager RSS (VmRSS of the
                JVM), heap used (Flink's Status.JVM.Memory.Heap.Used), the last completed checkpoint's end-to-end
                duration, consumer lag (input end offsets minus the group's committed offsets, which the job
                commits on checkpoints), p99 latency of the outputs committed since the previous sample (consumer
                arrival minus the input record's timestamp, so it includes the wait for the checkpoint that commits
                the transaction).

                Rerun: `testcontainers/reliability/soak.sh [minutes]` (needs Docker and the offline images, like
                the other container tests).
                """,
                minutes,
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES),
                CAPACITY_RECORDS,
                capacity,
                rate,
                minutes,
                tally.inputs(),
                producedMinutes,
                tally.inputs() / (producedMinutes * 60),
                tally,
                failures,
                WARM_UP_MINUTES,
                slope,
                rssFirst,
                WARM_UP_MINUTES,
                rssLast,
                cpMax,
                lagMax,
                p99Max,
                base + ".svg",
                (int) SAMPLE_EVERY.toSeconds(),
                base + ".csv",
                base + ".csv");
        Files.writeString(report, md, StandardCharsets.UTF_8);
    }
}
