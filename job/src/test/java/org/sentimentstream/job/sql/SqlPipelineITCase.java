package org.sentimentstream.job.sql;

import org.sentimentstream.embedded.EmbeddedKafkaBroker;
import org.sentimentstream.embedded.KafkaProducers;
import org.sentimentstream.job.cli.Main;
import org.sentimentstream.testing.SentimentAssertions;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;
import org.sentimentstream.testing.TinyModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundled example, {@code sql --file classpath:sql/reviews-pipeline.sql}, through the CLI on a MiniCluster
 * against an in-process Kafka broker: JSON reviews in, ML_PREDICT over the 'onnx' provider, JSON scored reviews
 * out, each with the reference logits of its text.
 */
class SqlPipelineITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = "classpath:sql/reviews-pipeline.sql";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(noRestarts())
            .build());

    private static EmbeddedKafkaBroker kafka;

    private static Configuration noRestarts() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return conf;
    }

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theExamplePipelineScoresEveryKafkaReviewWithTheReferenceLogits(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        String input = "sql-reviews-" + UUID.randomUUID();
        String output = "sql-scored-" + UUID.randomUUID();
        kafka.createTopics(2, input, output);

        // id -> text (null: NULL or missing); every reference text, a NULL text, a missing one, and a non-JSON value.
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, ReferenceCase> cases = new HashMap<>();
        try (KafkaProducer<String, String> producer = KafkaProducers.strings(kafka.bootstrapServers())) {
            List<ReferenceCase> reference = TestModels.referenceCases();
            for (int i = 0; i < reference.size(); i++) {
                String id = "r-" + i;
                ObjectNode review = JSON.createObjectNode()
                        .put("id", id)
                        .put("text", reference.get(i).text)
                        .put("stars", i % 5);
                producer.send(new ProducerRecord<>(input, id, JSON.writeValueAsString(review)));
                expected.put(id, reference.get(i).text);
                cases.put(id, reference.get(i));
            }
            producer.send(new ProducerRecord<>(input, "null-text", "{\"id\": \"null-text\", \"text\": null}"));
            expected.put("null-text", null);
            producer.send(new ProducerRecord<>(input, "no-text", "{\"id\": \"no-text\"}"));
            expected.put("no-text", null);
            producer.send(new ProducerRecord<>(input, "bad", "this is not JSON"));
            producer.flush();
        }

        int code = Main.execute(
                "sql",
                "--file",
                SCRIPT,
                "-Dbootstrap.servers=" + kafka.bootstrapServers(),
                "-Dinput.topic=" + input,
                "-Doutput.topic=" + output,
                "-Dgroup.id=sql-it-" + UUID.randomUUID(),
                "-Dmodel=" + TinyModel.dir(),
                "-Dmax-batch-delay=5 ms",
                // the reference is transformers' truncation at 128 tokens
                "-Dlong-text=truncate",
                "-Dcheckpoint.interval=2 s");
        assertThat(code).as("exit code of `sql`").isZero();

        Map<String, List<JsonNode>> byId = new HashMap<>();
        try {
            byId = consume(output, expected.size(), Duration.ofSeconds(150));
        } finally {
            cancelRunningJobs(client);
        }

        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, String> e : expected.entrySet()) {
            List<JsonNode> values = byId.get(e.getKey());
            assertThat(values).as("outputs of %s", e.getKey()).hasSize(1);
            JsonNode value = values.get(0);
            assertThat(value.get("id").asText()).isEqualTo(e.getKey());
            String text = e.getValue();
            if (text == null) {
                assertThat(value.get("text").isNull()).isTrue();
            } else {
                assertThat(value.get("text").asText()).isEqualTo(text);
            }
            if (text == null || text.isBlank()) {
                for (String column : List.of(
                        "label", "score", "probabilities", "logits", "tokens", "windows", "truncated", "model")) {
                    assertThat(value.get(column).isNull())
                            .as("%s of %s", column, e.getKey())
                            .isTrue();
                }
            } else {
                // The same sentiment object as the DataStream job writes, checked the same way.
                ObjectNode sentiment = JSON.createObjectNode();
                for (String column : List.of(
                        "label", "score", "probabilities", "logits", "tokens", "windows", "truncated", "model")) {
                    sentiment.set(column, value.get(column));
                }
                SentimentAssertions.assertSentiment(sentiment, cases.get(e.getKey()));
            }
        }
    }

    @Test
    void explainPlansTheExampleWithTheOnnxModelAndSubmitsNothing(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        int jobsBefore = client.listJobs().get().size();
        String stdout = captureStdout(() -> assertThat(Main.execute(
                        "sql",
                        "--explain",
                        "--file",
                        SCRIPT,
                        "-Dbootstrap.servers=127.0.0.1:9",
                        "-Dinput.topic=in",
                        "-Doutput.topic=out",
                        "-Dmodel=" + TinyModel.dir()))
                .isZero());
        assertThat(stdout)
                .contains("MLPredictTableFunction")
                .contains("review_sentiment")
                .contains("Sink(table=[default_catalog.default_database.scored_reviews]")
                .doesNotContain("Submitted job");
        assertThat(client.listJobs().get()).as("jobs on the cluster").hasSize(jobsBefore);
    }

    @Test
    void aMissingVariableOrABadModelOptionFailsWithExitCode2AndAFix() throws Exception {
        String[] missing = new String[1];
        String stderr = captureStderr(() -> missing[0] =
                String.valueOf(Main.execute("sql", "--file", SCRIPT, "-Dinput.topic=in", "-Doutput.topic=out")));
        assertThat(missing[0]).isEqualTo("2");
        assertThat(stderr).contains("no value for ${bootstrap.servers}").contains("Fix: pass -Dbootstrap.servers=");

        String[] bad = new String[1];
        String explainErr = captureStderr(() -> bad[0] = String.valueOf(Main.execute(
                "sql",
                "--explain",
                "--file",
                SCRIPT,
                "-Dbootstrap.servers=127.0.0.1:9",
                "-Dinput.topic=in",
                "-Doutput.topic=out",
                "-Dmodel=" + TinyModel.dir(),
                "-Dmax-batch-size=0")));
        assertThat(bad[0]).isEqualTo("2");
        assertThat(explainErr)
                .contains("reviews-pipeline.sql, line ")
                .contains("Invalid model option 'max-batch-size': must be between 1"
                        + " and 4096, was 0. Fix: use e.g. 16.");
    }

    private static Map<String, List<JsonNode>> consume(String topic, int expected, Duration timeout) throws Exception {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "sql-it-reader-" + UUID.randomUUID());
        Map<String, List<JsonNode>> byId = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (System.nanoTime() < deadline && byId.size() < expected) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode value = JSON.readTree(r.value());
                    assertThat(r.key())
                            .as("key of %s", r.value())
                            .isEqualTo(value.get("id").asText());
                    byId.computeIfAbsent(value.get("id").asText(), k -> new ArrayList<>())
                            .add(value);
                }
            }
            // A little longer: nothing more (no duplicates) should come.
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(2))) {
                JsonNode value = JSON.readTree(r.value());
                byId.computeIfAbsent(value.get("id").asText(), k -> new ArrayList<>())
                        .add(value);
            }
        }
        return byId;
    }

    private static void cancelRunningJobs(ClusterClient<?> client) throws Exception {
        for (JobStatusMessage job : client.listJobs().get()) {
            if (!job.getJobState().isGloballyTerminalState()) {
                client.cancel(job.getJobId()).get();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline
                && client.listJobs().get().stream()
                        .anyMatch(j -> j.getJobState() != JobStatus.CANCELED
                                && !j.getJobState().isGloballyTerminalState())) {
            Thread.sleep(100);
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static synchronized String captureStdout(ThrowingRunnable action) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }

    private static synchronized String captureStderr(ThrowingRunnable action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}
