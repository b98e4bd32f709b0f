package org.sentimentstream.testcontainers;

import org.sentimentstream.testcontainers.ReviewRecords.Review;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One long-lived TaskManager of a session cluster on the production image: the job is submitted, scores, and is
 * cancelled, ten times over. The TaskManager's resident memory must level off: at most 50 MB of growth between
 * the 5th and the 10th run. {@code -Dsentiment.memory.tm-env=NAME=VALUE,...} sets TaskManager environment
 * variables, for comparing allocator settings.
 */
@Tag("reliability")
class ResubmissionMemoryITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ResubmissionMemoryITCase.class);
    private static final int SLOTS = 2;
    private static final int RUNS = 10;
    private static final int RECORDS_PER_RUN = 1_000;
    private static final long MAX_GROWTH = 50L * 1024 * 1024;
    /** The compact model (22 MB of weights), whose sessions retain more than the tiny test model's. */
    private static final String COMPACT_MODEL_DIR = "/opt/sentiment/models/sst2-minilm-l6";

    private static Network network;
    private static KafkaContainer kafka;
    private static FlinkSessionCluster flink;

    @BeforeAll
    static void startContainers() throws Exception {
        network = Network.newNetwork();
        kafka = Containers.kafka(network);
        kafka.start();
        // Flink fixes the heap's size (-Xms = -Xmx); pre-touched, its pages are resident from the start, so that RSS
        // growth is what the runs leave behind, not the heap's first use.
        flink = FlinkSessionCluster.onProductionImage(network, SLOTS)
                .withModel(SavepointITCase.compactModel(), COMPACT_MODEL_DIR)
                // not through env.java.opts.*: that would replace the image's own TaskManager options
                .withTaskManagerEnv("JAVA_TOOL_OPTIONS", "-XX:+AlwaysPreTouch");
        for (String setting : System.getProperty("sentiment.memory.tm-env", "").split(",")) {
            if (setting.contains("=")) {
                flink.withTaskManagerEnv(
                        setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
            }
        }
        flink.start();
        flink.startTaskManager();
    }

    @AfterAll
    static void stopContainers() {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void residentMemoryLevelsOffOverTenSubmissions() throws Exception {
        FlinkRestClient rest = flink.rest();
        GenericContainer<?> taskManager = flink.taskManagers().get(0);
        String jarId = rest.uploadJar(FlinkSessionCluster.clusterJobJar());
        List<Long> rss = new ArrayList<>();
        long inputs = 0;
        long scoredTotal = 0;
        long deadTotal = 0;
        long lost = 0;
        long duplicated = 0;
        for (int run = 1; run <= RUNS; run++) {
            KafkaTopics topics = new KafkaTopics(kafka.getBootstrapServers(), SLOTS);
            List<Review> reviews = ReviewRecords.generate("m" + run + "-", RECORDS_PER_RUN, 25);
            topics.produce(reviews);
            List<String> args = new ArrayList<>(JobArguments.run(topics, "memory"));
            args.set(args.indexOf("--model") + 1, COMPACT_MODEL_DIR);
            String jobId = rest.runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, args, SLOTS);
            rest.awaitAllTasksRunning(jobId, Duration.ofMinutes(2));
            int expectedScored = (int) reviews.stream().filter(Review::scored).count();
            Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                    topics.readCommitted(topics.output, expectedScored, Duration.ofMinutes(3));
            Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                    topics.readCommitted(topics.deadLetters, reviews.size() - expectedScored, Duration.ofMinutes(1));
            DeliveryCheck.Tally tally = DeliveryCheck.tally(reviews, scored, deadLetters);
            // another model than the reference logits': each input once, in the right topic
            assertThat(tally.lost()).as("lost (%s)", tally).isZero();
            assertThat(tally.duplicates()).as("duplicated (%s)", tally).isZero();
            assertThat(tally.misrouted()).as("misrouted (%s)", tally).isZero();
            rest.cancel(jobId, Duration.ofMinutes(1));
            Thread.sleep(5_000); // the slots' release and the scorer's close
            long bytes = TaskManagerMemory.rss(taskManager);
            rss.add(bytes);
            LOG.info(
                    "Run {}: {}; TaskManager RSS {} MB; heap used {} MB, committed {} MB; metaspace used {} MB;"
                            + " direct {} MB; classes loaded {}",
                    run,
                    tally,
                    bytes >> 20,
                    TaskManagerMemory.jvmMetric(rest, "Status.JVM.Memory.Heap.Used") >> 20,
                    TaskManagerMemory.jvmMetric(rest, "Status.JVM.Memory.Heap.Committed") >> 20,
                    TaskManagerMemory.jvmMetric(rest, "Status.JVM.Memory.Metaspace.Used") >> 20,
                    TaskManagerMemory.jvmMetric(rest, "Status.JVM.Memory.Direct.MemoryUsed") >> 20,
                    TaskManagerMemory.jvmMetric(rest, "Status.JVM.ClassLoader.ClassesLoaded"));
            inputs += tally.inputs();
            scoredTotal += tally.scored();
            deadTotal += tally.deadLetters();
            lost += tally.lost();
            duplicated += tally.duplicates();
        }
        // -Dsentiment.memory.hold-seconds: time to inspect the TaskManager (jcmd from the host) before teardown
        Thread.sleep(Long.getLong("sentiment.memory.hold-seconds", 0) * 1000);
        long growth = rss.get(RUNS - 1) - rss.get(4);
        List<Long> mb = rss.stream().map(b -> b >> 20).toList();
        LOG.info("TaskManager RSS after each run (MB): {}; growth from run 5 to 10: {} MB", mb, growth >> 20);
        String env = System.getProperty("sentiment.memory.tm-env", "");
        ReliabilityReport.record(new ReliabilityReport.Row(
                "Resubmission memory",
                inputs,
                scoredTotal,
                deadTotal,
                lost,
                duplicated,
                String.format(
                        "RSS growth run 5 -> 10: %+d MB (target <= 50 MB: %s)",
                        growth >> 20, growth <= MAX_GROWTH ? "met" : "NOT met"),
                "10 x submit/score/cancel on one TaskManager (production image, compact model"
                        + (env.isBlank() ? "" : ", " + env) + "); RSS MB after each run: " + mb));
        assertThat(growth)
                .as("RSS growth from run 5 to 10 (MB after each run: %s)", mb)
                .isLessThanOrEqualTo(MAX_GROWTH);
    }
}
