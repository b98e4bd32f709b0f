package org.sentimentstream.testcontainers;

import org.sentimentstream.testcontainers.FaultyModels.Fault;
import org.sentimentstream.testcontainers.InProcessRun.Exit;
import org.sentimentstream.testing.TestModels;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults an operator meets at startup stop the job before it consumes: a broken model, a model whose sha256 is not
 * the expected one, an unreachable broker, a missing input topic. Each exits with code 2 and a message that names
 * the setting and the fix; the job's consumer group commits no offset and its topics stay empty, though the input
 * holds records it would have read. In-process through the job jar's entry point (as {@code flink run} calls it),
 * and once through a session cluster's REST API, whose JobManager must survive the refused submission.
 */
class StartupFaultsITCase {

    private static final int RECORDS = 50;
    private static KafkaWithFlinkCluster containers;

    @TempDir
    static Path temp;

    @BeforeAll
    static void startContainers() {
        containers = KafkaWithFlinkCluster.start(1);
    }

    /** Faults that stopped the job before it consumed, each with its input untouched. */
    private static final AtomicInteger STOPPED = new AtomicInteger();

    @AfterAll
    static void stopContainers() {
        if (containers != null) {
            containers.close();
        }
        if (STOPPED.get() > 0) {
            ReliabilityReport.record(new ReliabilityReport.Row(
                    "Startup faults",
                    (long) STOPPED.get() * RECORDS,
                    0,
                    0,
                    0,
                    0,
                    STOPPED.get() + " faults: each stopped the job before it consumed (exit code 2 and the fix; no"
                            + " offsets committed, nothing written)",
                    "missing or corrupt model.onnx, sha256, input and output names, tokenizer vocabulary,"
                            + " unreachable broker, missing topic, REST submission to a session cluster"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void brokenModelStopsTheJobBeforeItConsumes(Fault fault) throws Exception {
        KafkaTopics topics = topicsWithInput();
        Path model = FaultyModels.create(temp.resolve(topics.suffix), fault);

        Exit exit = run(topics, "--model", model.toString());

        assertThat(exit.code()).as(exit.err()).isEqualTo(2);
        assertThat(exit.err())
                .contains("Invalid option '--model'")
                .contains("Fix:")
                .contains(expectedProblem(fault));
        assertNothingConsumedOrWritten(topics);
    }

    private static String expectedProblem(Fault fault) {
        switch (fault) {
            case MISSING_MODEL_FILE:
                return "model.onnx: missing";
            case CORRUPT_MODEL_FILE:
                return "ONNX Runtime cannot load it";
            case WRONG_INPUT_NAME:
                return "the contract takes input_ids and attention_mask, and optionally token_type_ids";
            case WRONG_OUTPUT_NAME:
                return "no output named 'logits'";
            case TOKENIZER_OF_A_LARGER_VOCABULARY:
                return "this tokenizer belongs to another model";
            default:
                throw new IllegalArgumentException(fault.name());
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void sha256MismatchStopsTheJobBeforeItConsumes() throws Exception {
        KafkaTopics topics = topicsWithInput();
        Exit exit = run(topics, "--model", TestModels.tinyModelDir().toString(), "--model-sha256", "0".repeat(64));

        assertThat(exit.code()).as(exit.err()).isEqualTo(2);
        assertThat(exit.err())
                .contains("'sentiment.model-sha256' expects " + "0".repeat(64))
                .contains("Fix:");
        assertNothingConsumedOrWritten(topics);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void unreachableBrokerStopsTheJob() throws Exception {
        KafkaTopics topics = topicsWithInput();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Exit exit = run(
                topics,
                "--bootstrap-servers",
                "127.0.0.1:" + closedPort,
                "--model",
                TestModels.tinyModelDir().toString());

        assertThat(exit.code()).as(exit.err()).isEqualTo(2);
        assertThat(exit.err())
                .contains("Invalid option '--bootstrap-servers'")
                .contains("no Kafka broker at 127.0.0.1:" + closedPort)
                .contains("Fix:");
        assertNothingConsumedOrWritten(topics);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void missingInputTopicStopsTheJob() throws Exception {
        KafkaTopics topics = topicsWithInput();
        Exit exit = run(
                topics,
                "--input-topic",
                "no-such-topic-" + topics.suffix,
                "--model",
                TestModels.tinyModelDir().toString());

        assertThat(exit.code()).as(exit.err()).isEqualTo(2);
        assertThat(exit.err())
                .contains("Invalid option '--input-topic'")
                .contains("'no-such-topic-" + topics.suffix + "' does not exist")
                .contains("Fix: create it");
        assertNothingConsumedOrWritten(topics);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aSessionClusterRefusesTheJobAndItsJobManagerLivesOn() throws Exception {
        KafkaTopics topics = topicsWithInput();
        FlinkRestClient rest = containers.flink.rest();
        String jarId = rest.uploadJar(FlinkSessionCluster.clusterJobJar());
        List<String> args = new ArrayList<>(JobArguments.run(topics, "startup-fault"));
        args.set(args.indexOf("--input-topic") + 1, "no-such-topic-" + topics.suffix);

        String refusal = rest.runJarRefused(jarId, FlinkSessionCluster.ENTRY_CLASS, args, 1);

        assertThat(refusal)
                .contains("Invalid option '--input-topic'")
                .contains("does not exist")
                .contains("Fix:");
        JsonNode jobs = rest.get("/jobs/overview").get("jobs");
        assertThat(jobs).as("jobs on the cluster").isEmpty();
        assertThat(rest.get("/overview").get("taskmanagers").asInt())
                .as("the cluster still serves")
                .isEqualTo(1);
        assertNothingConsumedOrWritten(topics);
    }

    /** Topics of one case, the input already holding records that a started job would read. */
    private static KafkaTopics topicsWithInput() throws Exception {
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), 1);
        topics.produce(ReviewRecords.generate("s", RECORDS, 10));
        return topics;
    }

    /** The job jar's {@code run} as {@code flink run} would call it, with this test's broker seen from here. */
    private static Exit run(KafkaTopics topics, String... overrides) {
        List<String> args = new ArrayList<>(JobArguments.run(topics, "startup-fault"));
        args.set(args.indexOf("--bootstrap-servers") + 1, containers.kafka.getBootstrapServers());
        for (int i = 0; i < overrides.length; i += 2) {
            int at = args.indexOf(overrides[i]);
            if (at >= 0) {
                args.set(at + 1, overrides[i + 1]);
            } else {
                args.add(overrides[i]);
                args.add(overrides[i + 1]);
            }
        }
        return InProcessRun.execute(args);
    }

    /** No offset committed by the job's group, nothing in its output or dead-letter topic. */
    private static void assertNothingConsumedOrWritten(KafkaTopics topics) throws Exception {
        try (Admin admin = topics.admin()) {
            Map<?, ?> offsets = admin.listConsumerGroupOffsets("startup-fault-" + topics.suffix)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            assertThat(offsets).as("offsets committed by the job's group").isEmpty();
        }
        assertThat(topics.countCommitted(topics.input))
                .as("the input held records to consume")
                .isEqualTo(RECORDS);
        assertThat(topics.countCommitted(topics.output)).as("outputs").isZero();
        assertThat(topics.countCommitted(topics.deadLetters)).as("dead letters").isZero();
        STOPPED.incrementAndGet();
    }
}
