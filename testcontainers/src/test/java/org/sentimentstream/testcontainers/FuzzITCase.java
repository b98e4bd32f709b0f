package org.sentimentstream.testcontainers;

import org.sentimentstream.job.records.DeadLetters;
import org.sentimentstream.testcontainers.FuzzRecords.Fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz at scale: 10,000 malformed records and awkward valid ones, of 18 kinds (random bytes, invalid UTF-8, empty values,
 * tombstones, truncated JSON, nesting 5,000 deep, 500 KB texts, raw and escaped control and bidi characters, lone
 * surrogates, duplicate keys, a byte order mark, huge numbers, null keys, 1,000 headers) among valid reviews, through
 * the job on a Flink cluster. The job never restarts; every input comes out once, scored or as a dead letter with
 * the expected reason; every 500 KB text is scored in its first and last windows (past max-windows) and flagged
 * truncated.
 */
class FuzzITCase {

    private static final Logger LOG = LoggerFactory.getLogger(FuzzITCase.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SLOTS = 2;
    private static final int VALID = 3_000;

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

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void malformedRecordsNeverStopTheJobAndEachComesOutOnce() throws Exception {
        List<Fuzz> inputs = FuzzRecords.generate(VALID, 14);
        long dead = inputs.stream().filter(f -> !f.scored()).count();
        assertThat(dead).as("malformed records").isGreaterThanOrEqualTo(10_000);
        assertThat(FuzzRecords.kinds(inputs)).as("kinds").isGreaterThanOrEqualTo(12);

        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        FlinkRestClient rest = containers.flink.rest();
        String jobId = rest.runJar(
                rest.uploadJar(FlinkSessionCluster.clusterJobJar()),
                FlinkSessionCluster.ENTRY_CLASS,
                JobArguments.run(topics, "fuzz"),
                SLOTS);
        rest.awaitAllTasksRunning(jobId, Duration.ofMinutes(2));
        produce(topics, inputs);

        int expectedScored = (int) (inputs.size() - dead);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                byFuzzId(topics.readCommitted(topics.output, expectedScored, Duration.ofMinutes(6)));
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                byFuzzId(topics.readCommitted(topics.deadLetters, (int) dead, Duration.ofMinutes(2)));

        int lost = 0;
        int duplicated = 0;
        Map<String, String> wrong = new TreeMap<>();
        for (Fuzz f : inputs) {
            List<ConsumerRecord<byte[], byte[]>> outs = new ArrayList<>(scored.getOrDefault(f.id(), List.of()));
            outs.addAll(deadLetters.getOrDefault(f.id(), List.of()));
            if (outs.isEmpty()) {
                lost++;
                wrong.merge(f.kind(), f.id() + " lost", FuzzITCase::countMore);
                continue;
            }
            duplicated += outs.size() - 1;
            String problem = problem(f, outs.get(0), topics);
            if (problem != null) {
                wrong.merge(f.kind(), f.id() + ": " + problem, FuzzITCase::countMore);
            }
        }
        int failures = rest.failures(jobId);
        int scoredCount = scored.values().stream().mapToInt(List::size).sum();
        int deadCount = deadLetters.values().stream().mapToInt(List::size).sum();
        LOG.info(
                "Fuzz: {} inputs, {} scored, {} dead letters, {} lost, {} duplicated, {} job failures",
                inputs.size(),
                scoredCount,
                deadCount,
                lost,
                duplicated,
                failures);
        assertThat(wrong)
                .as("records that came out wrong: the first of each kind (+ how many more)")
                .isEmpty();
        assertThat(lost).isZero();
        assertThat(duplicated).isZero();
        assertThat(scoredCount + deadCount).as("in = scored + dead").isEqualTo(inputs.size());
        assertThat(failures).as("job failures (restarts)").isZero();
        rest.cancel(jobId, Duration.ofMinutes(1));
        ReliabilityReport.record(new ReliabilityReport.Row(
                "Fuzz at scale",
                inputs.size(),
                scoredCount,
                deadCount,
                lost,
                duplicated,
                "no restart (0 job failures)",
                String.format(
                        "%,d malformed of %d kinds; %d texts"
                                + " of 500 KB scored, truncated and flagged (%d truncated in all)",
                        dead,
                        FuzzRecords.kinds(inputs),
                        inputs.stream()
                                .filter(f -> f.kind().equals("text-500KB"))
                                .count(),
                        inputs.stream().filter(Fuzz::truncated).count())));
    }

    /** The first problem of a kind, and how many more. */
    private static String countMore(String first, String next) {
        int at = first.lastIndexOf(" (+");
        int more = at < 0 ? 0 : Integer.parseInt(first.substring(at + 3, first.length() - 1));
        return (at < 0 ? first : first.substring(0, at)) + " (+" + (more + 1) + ")";
    }

    /** What is wrong with an input's output, or null. */
    private static String problem(Fuzz f, ConsumerRecord<byte[], byte[]> out, KafkaTopics topics) throws Exception {
        if (!f.scored()) {
            if (!out.topic().equals(topics.deadLetters)) {
                return "scored, expected a dead letter " + f.reason();
            }
            String reason = header(out, DeadLetters.REASON);
            if (!f.reason().name().equals(reason)) {
                return "reason " + reason + ", expected " + f.reason();
            }
            String detail = header(out, DeadLetters.DETAIL);
            if (detail == null || detail.isBlank()) {
                return "a dead letter without detail";
            }
            if (!java.util.Arrays.equals(out.value(), f.value())) {
                return "a dead letter whose value is not the original";
            }
            return null;
        }
        if (!out.topic().equals(topics.output)) {
            return "dead letter " + header(out, DeadLetters.REASON) + " (" + header(out, DeadLetters.DETAIL)
                    + "), expected scored";
        }
        JsonNode sentiment = JSON.readTree(out.value()).get("sentiment");
        if (sentiment == null
                || !sentiment.path("label").isTextual()
                || !sentiment.path("model").isTextual()) {
            return "no sentiment label and model: " + sentiment;
        }
        if (sentiment.path("truncated").asBoolean() != f.truncated()) {
            return "truncated " + sentiment.path("truncated") + ", expected " + f.truncated();
        }
        int headers = out.headers().toArray().length;
        if (headers != f.headers().size()) {
            return headers + " headers out, " + f.headers().size() + " in";
        }
        return null;
    }

    private static void produce(KafkaTopics topics, List<Fuzz> inputs) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = topics.producer()) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (Fuzz f : inputs) {
                acks.add(producer.send(new ProducerRecord<>(topics.input, null, f.key(), f.value(), f.headers())));
            }
            producer.flush();
            KafkaTopics.awaitAcknowledged(acks);
        }
    }

    private static Map<String, List<ConsumerRecord<byte[], byte[]>>> byFuzzId(
            Map<String, List<ConsumerRecord<byte[], byte[]>>> byKey) {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byId = new HashMap<>();
        byKey.values()
                .forEach(records -> records.forEach(r -> byId.computeIfAbsent(
                                String.valueOf(header(r, FuzzRecords.ID_HEADER)), k -> new ArrayList<>())
                        .add(r)));
        return byId;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
