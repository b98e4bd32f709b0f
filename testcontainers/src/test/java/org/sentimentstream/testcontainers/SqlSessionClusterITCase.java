package org.sentimentstream.testcontainers;

import org.sentimentstream.job.sql.SqlScript;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink SQL on a session cluster of containers (the flink image, whose lib/ has the table planner loader, the
 * table runtime, the table API and flink-json, as the official image's has): one script
 * ({@code src/test/resources/sql/cluster-pipeline.sql}: a Kafka source table in JSON, {@code CREATE MODEL ... WITH
 * ('provider' = 'onnx')}, an exactly-once Kafka sink table fed from {@code ML_PREDICT}) run twice,
 *
 * <ul>
 *   <li>by the job jar's {@code sql} command, uploaded and run through the JobManager's REST API, and
 *   <li>statement by statement through Flink's SQL Gateway (a container of the same image, {@code
 *       bin/sql-gateway.sh start-foreground}) over its REST endpoint, with the Kafka SQL connector and the udf jar
 *       added by {@code ADD JAR}, and {@code SENTIMENT(text)} into a second sink in the same statement set.
 * </ul>
 *
 * <p>Each run has its own topics and reads them back with {@code read_committed}. The inputs hold the bad input a
 * SQL user meets: a record that is not JSON (dropped: {@code 'json.ignore-parse-errors'}), a NULL, a missing, an
 * empty and a blank text (a row with NULL model columns), and a 500 KB text (scored in max-windows windows,
 * flagged truncated). Every other key comes out exactly once. docs/sql-cluster.md is written from this test.
 */
class SqlSessionClusterITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SqlSessionClusterITCase.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SLOTS = 2;
    private static final int GOOD = 60;
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(3);
    private static final String SCRIPT_RESOURCE = "sql/cluster-pipeline.sql";
    private static final String SCRIPT_IN_JOBMANAGER = "/opt/sentiment/sql/cluster-pipeline.sql";
    private static final String SQL_JARS_IN_GATEWAY = "/opt/sentiment/sql-jars/";
    private static final int GATEWAY_PORT = 8083;

    /** Keys of the bad inputs; the malformed one never comes out. */
    private static final String MALFORMED = "malformed-json";

    private static final List<String> WITHOUT_TEXT = List.of("null-text", "missing-text", "empty-text", "blank-text");
    private static final String LONG_TEXT = "long-text-500kb";

    private static KafkaWithFlinkCluster containers;
    private static FlinkSessionCluster flink;
    private static GenericContainer<?> gateway;

    @BeforeAll
    static void startContainers() {
        containers = KafkaWithFlinkCluster.start(SLOTS);
        flink = containers.flink;
    }

    @AfterAll
    static void stopContainers() {
        if (gateway != null) {
            gateway.stop();
        }
        if (containers != null) {
            containers.close();
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void theSqlCommandSubmittedThroughTheRestApiScoresEveryRecordExactlyOnce() throws Exception {
        long started = System.nanoTime();
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        Map<String, String> inputs = produceInputs(topics);

        flink.jobManager()
                .copyFileToContainer(MountableFile.forClasspathResource(SCRIPT_RESOURCE, 0644), SCRIPT_IN_JOBMANAGER);
        String jarId = flink.rest().uploadJar(FlinkSessionCluster.clusterJobJar());
        List<String> args = new ArrayList<>(List.of("sql", "--file", SCRIPT_IN_JOBMANAGER));
        variables(topics, "rest").forEach((name, value) -> args.add("-D" + name + "=" + value));
        String jobId = flink.rest().runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, args, SLOTS);
        flink.rest().awaitAllTasksRunning(jobId, Duration.ofMinutes(2));

        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                topics.readCommitted(topics.output, inputs.size() - 1, READ_TIMEOUT);
        assertThat(flink.rest().failures(jobId))
                .as("failures: %s", flink.rest().get("/jobs/" + jobId + "/exceptions"))
                .isZero();
        flink.rest().cancel(jobId, Duration.ofMinutes(1));

        assertMlPredictOutput(inputs, scored);
        LOG.info(
                "sql command via REST: {} inputs, {} keys out exactly once, malformed dropped, in {} s",
                inputs.size(),
                scored.size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theSameStatementsThroughTheSqlGatewayScoreEveryRecordExactlyOnceWithMlPredictAndSentiment() throws Exception {
        long started = System.nanoTime();
        SqlGatewayClient client = startGateway();
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        String sentimentTopic = "reviews-sentiment-" + topics.suffix;
        try (Admin admin = topics.admin()) {
            admin.createTopics(List.of(new NewTopic(sentimentTopic, SLOTS, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
        Map<String, String> inputs = produceInputs(topics);

        List<String> statements = new ArrayList<>();
        for (Path jar : sqlJars()) {
            statements.add("ADD JAR '" + SQL_JARS_IN_GATEWAY + jar.getFileName() + "'");
        }
        List<String> inserts = new ArrayList<>();
        for (SqlScript.Statement s : SqlScript.parse(SCRIPT_RESOURCE, script(), variables(topics, "gateway"))
                .statements()) {
            (s.sql().regionMatches(true, 0, "INSERT", 0, 6) ? inserts : statements).add(s.sql());
        }
        statements.add("CREATE TEMPORARY SYSTEM FUNCTION SENTIMENT AS 'org.sentimentstream.udf.sql.SentimentFunction'");
        statements.add(
                "SET 'pipeline.global-job-parameters' = 'sentiment.model:" + FlinkSessionCluster.MODEL_DIR + "'");
        statements.add("SET 'table.exec.async-scalar.max-concurrent-operations' = '64'");
        statements.add("CREATE TEMPORARY TABLE sentiment_reviews (id STRING, label STRING, score DOUBLE) WITH ("
                + "'connector' = 'kafka', 'topic' = '" + sentimentTopic + "', "
                + "'properties.bootstrap.servers' = '" + Containers.KAFKA_IN_NETWORK + "', "
                + "'key.format' = 'raw', 'key.fields' = 'id', 'value.format' = 'json', "
                + "'value.fields-include' = 'ALL', 'sink.delivery-guarantee' = 'exactly-once', "
                + "'sink.transactional-id-prefix' = 'sql-gateway-sentiment-" + topics.suffix + "', "
                + "'properties.transaction.timeout.ms' = '600000')");
        inserts.add("INSERT INTO sentiment_reviews SELECT id, s.label, s.score"
                + " FROM (SELECT id, SENTIMENT(text) AS s FROM reviews)");
        statements.add("EXECUTE STATEMENT SET BEGIN " + String.join(";\n", inserts) + "; END");

        String session = client.openSession("sql-session-cluster-it");
        String jobId = null;
        for (String statement : statements) {
            JsonNode result = client.execute(session, statement, Duration.ofMinutes(3));
            if (statement.startsWith("EXECUTE STATEMENT SET")) {
                jobId = SqlGatewayClient.jobId(result);
            }
        }
        assertThat(jobId).as("the job of the statement set").isNotBlank();
        flink.rest().awaitAllTasksRunning(jobId, Duration.ofMinutes(2));

        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                topics.readCommitted(topics.output, inputs.size() - 1, READ_TIMEOUT);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> sentiments =
                topics.readCommitted(sentimentTopic, inputs.size() - 1, READ_TIMEOUT);
        assertThat(flink.rest().failures(jobId))
                .as("failures: %s", flink.rest().get("/jobs/" + jobId + "/exceptions"))
                .isZero();
        flink.rest().cancel(jobId, Duration.ofMinutes(1));
        client.closeSession(session);

        assertMlPredictOutput(inputs, scored);
        assertEveryKeyOnce(inputs, sentiments);
        for (Map.Entry<String, List<ConsumerRecord<byte[], byte[]>>> e : sentiments.entrySet()) {
            JsonNode row = JSON.readTree(e.getValue().get(0).value());
            if (WITHOUT_TEXT.contains(e.getKey())) {
                assertThat(row.get("label").isNull())
                        .as("SENTIMENT label of %s", e.getKey())
                        .isTrue();
                assertThat(row.get("score").isNull())
                        .as("SENTIMENT score of %s", e.getKey())
                        .isTrue();
            } else {
                assertThat(row.get("label").asText())
                        .as("SENTIMENT label of %s", e.getKey())
                        .isNotBlank();
                assertThat(row.get("score").asDouble())
                        .as("SENTIMENT score of %s", e.getKey())
                        .isBetween(0.0, 1.0);
            }
        }
        LOG.info(
                "SQL Gateway: {} inputs, {} keys out of ML_PREDICT and {} of SENTIMENT exactly once, in {} s",
                inputs.size(),
                scored.size(),
                sentiments.size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withoutIgnoreParseErrorsTheMalformedRecordFailsTheJobAgainAndAgain() throws Exception {
        KafkaTopics topics = new KafkaTopics(containers.kafka.getBootstrapServers(), SLOTS);
        Map<String, String> inputs = produceInputs(topics);

        flink.jobManager()
                .copyFileToContainer(MountableFile.forClasspathResource(SCRIPT_RESOURCE, 0644), SCRIPT_IN_JOBMANAGER);
        String jarId = flink.rest().uploadJar(FlinkSessionCluster.clusterJobJar());
        List<String> args = new ArrayList<>(List.of("sql", "--file", SCRIPT_IN_JOBMANAGER));
        Map<String, String> variables = variables(topics, "strict-json");
        variables.put("json.ignore-parse-errors", "false");
        variables.forEach((name, value) -> args.add("-D" + name + "=" + value));
        String jobId = flink.rest().runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, args, SLOTS);

        // The cluster restarts the job from its last checkpoint (fixed-delay, 20 attempts), and the record fails
        // it every time: nothing after the failing checkpoint is ever committed.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (flink.rest().failures(jobId) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        JsonNode exceptions = flink.rest().get("/jobs/" + jobId + "/exceptions");
        int failures = flink.rest().failures(jobId);
        flink.rest().cancel(jobId, Duration.ofMinutes(1));
        assertThat(failures).as("failures of the job: %s", exceptions).isGreaterThanOrEqualTo(2);
        assertThat(exceptions.toString())
                .as("the reason")
                .contains("Failed to deserialize JSON")
                .contains("cut off");
        // What was committed before the failures: each key at most once, the malformed record never.
        Map<String, List<ConsumerRecord<byte[], byte[]>>> committed =
                topics.readCommitted(topics.output, inputs.size(), Duration.ofSeconds(10));
        assertThat(committed).doesNotContainKey(MALFORMED);
        assertThat(committed.values())
                .as("keys committed more than once")
                .allSatisfy(v -> assertThat(v).hasSize(1));
        LOG.info(
                "json.ignore-parse-errors = false: {} failures of the job in a row; {} of {} keys committed before",
                failures,
                committed.size(),
                inputs.size());
    }

    /** The Gateway in a container of the flink image, next to the session cluster, as the distribution starts it. */
    private static SqlGatewayClient startGateway() {
        if (gateway == null) {
            GenericContainer<?> g = new GenericContainer<>(ContainerImages.flink())
                    .withNetwork(containers.network)
                    .withNetworkAliases("sql-gateway")
                    .withCommand(
                            "/opt/flink/bin/sql-gateway.sh",
                            "start-foreground",
                            "-Dsql-gateway.endpoint.rest.address=0.0.0.0",
                            "-Dsql-gateway.endpoint.rest.port=" + GATEWAY_PORT,
                            "-Drest.address=jobmanager",
                            "-Drest.port=8081",
                            "-Dexecution.target=remote")
                    .withExposedPorts(GATEWAY_PORT)
                    .withLogConsumer(Containers.logFile("sql-gateway"))
                    .waitingFor(Wait.forHttp("/v1/info").forPort(GATEWAY_PORT).forStatusCode(200))
                    .withStartupTimeout(Duration.ofMinutes(3));
            // ONNX Runtime and the tokenizer in lib/ of every Flink process (docs/operations.md); the SQL jars where
            // ADD JAR
            // finds them.
            for (Path jar : FlinkSessionCluster.flinkLibJars()) {
                g.withCopyFileToContainer(MountableFile.forHostPath(jar, 0644), "/opt/flink/lib/" + jar.getFileName());
            }
            for (Path jar : sqlJars()) {
                g.withCopyFileToContainer(
                        MountableFile.forHostPath(jar, 0644), SQL_JARS_IN_GATEWAY + jar.getFileName());
            }
            g.start();
            gateway = g;
        }
        return new SqlGatewayClient(gateway.getHost(), gateway.getMappedPort(GATEWAY_PORT));
    }

    /** The values of the script's variables: Kafka on the containers' network, this run's topics. */
    private static Map<String, String> variables(KafkaTopics topics, String name) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("pipeline.name", "sql-" + name + "-" + topics.suffix);
        v.put("bootstrap.servers", Containers.KAFKA_IN_NETWORK);
        v.put("input.topic", topics.input);
        v.put("output.topic", topics.output);
        v.put("group.id", "sql-" + name + "-" + topics.suffix);
        v.put("model", FlinkSessionCluster.MODEL_DIR);
        v.put("transactional.id.prefix", "sql-" + name + "-" + topics.suffix);
        return v;
    }

    /**
     * GOOD reviews, then the bad inputs, each keyed by its id; returns id to raw value, in the order written. The
     * malformed record is among them (its key is MALFORMED), the only one that must not come out.
     */
    private static Map<String, String> produceInputs(KafkaTopics topics) throws Exception {
        Map<String, String> inputs = new LinkedHashMap<>();
        String[] texts = {
            "A gripping, beautifully shot film with a superb cast.",
            "Dull, overlong and badly acted; I walked out.",
            "Not bad at all, though the ending drags a little.",
            "One of the best thrillers of the decade.",
        };
        for (int i = 0; i < GOOD; i++) {
            String id = "good-" + i;
            inputs.put(
                    id,
                    JSON.createObjectNode()
                            .put("id", id)
                            .put("text", texts[i % texts.length] + " Review " + i + ".")
                            .put("stars", i % 5)
                            .toString());
        }
        inputs.put("null-text", "{\"id\": \"null-text\", \"text\": null}");
        inputs.put("missing-text", "{\"id\": \"missing-text\"}");
        inputs.put("empty-text", "{\"id\": \"empty-text\", \"text\": \"\"}");
        inputs.put("blank-text", "{\"id\": \"blank-text\", \"text\": \" \\t\\n \"}");
        inputs.put(
                LONG_TEXT,
                JSON.createObjectNode()
                        .put("id", LONG_TEXT)
                        .put("text", longText())
                        .toString());
        inputs.put(MALFORMED, "{\"id\": \"malformed-json\", \"text\": \"cut off");
        try (KafkaProducer<byte[], byte[]> producer = topics.producer()) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Map.Entry<String, String> e : inputs.entrySet()) {
                sent.add(producer.send(new ProducerRecord<>(
                        topics.input,
                        e.getKey().getBytes(StandardCharsets.UTF_8),
                        e.getValue().getBytes(StandardCharsets.UTF_8))));
            }
            producer.flush();
            KafkaTopics.awaitAcknowledged(sent);
        }
        return inputs;
    }

    /** 500 KB of plain review text. */
    private static String longText() {
        StringBuilder text = new StringBuilder();
        String sentence = "The plot wanders, yet the performances are warm and the score is lovely. ";
        while (text.length() < 500 * 1024) {
            text.append(sentence);
        }
        return text.substring(0, 500 * 1024);
    }

    /** Every input but the malformed one exactly once, with the sentiment columns its text calls for. */
    private static void assertMlPredictOutput(
            Map<String, String> inputs, Map<String, List<ConsumerRecord<byte[], byte[]>>> scored) throws Exception {
        assertEveryKeyOnce(inputs, scored);
        for (Map.Entry<String, List<ConsumerRecord<byte[], byte[]>>> e : scored.entrySet()) {
            String id = e.getKey();
            JsonNode row = JSON.readTree(e.getValue().get(0).value());
            assertThat(row.get("id").asText()).isEqualTo(id);
            if (WITHOUT_TEXT.contains(id)) {
                assertThat(row.get("text_is_null").asBoolean())
                        .as("text_is_null of %s", id)
                        .isEqualTo(id.equals("null-text") || id.equals("missing-text"));
                for (String column : List.of("label", "score", "tokens", "windows", "truncated", "model")) {
                    assertThat(row.get(column).isNull())
                            .as("%s of %s", column, id)
                            .isTrue();
                }
                continue;
            }
            assertThat(row.get("label").asText()).as("label of %s", id).isNotBlank();
            assertThat(row.get("score").asDouble()).as("score of %s", id).isBetween(0.0, 1.0);
            assertThat(row.get("model").asText()).as("model of %s", id).isNotBlank();
            if (id.equals(LONG_TEXT)) {
                assertThat(row.get("text_chars").asInt()).isEqualTo(500 * 1024);
                // the default long-text = windows, max-windows = 16: the first 15 windows and the last one
                assertThat(row.get("windows").asInt())
                        .as("windows of the 500 KB text")
                        .isEqualTo(16);
                assertThat(row.get("truncated").asBoolean()).as("truncated").isTrue();
                assertThat(row.get("tokens").asInt()).as("tokens").isGreaterThan(16 * 128);
            } else {
                assertThat(row.get("windows").asInt()).as("windows of %s", id).isEqualTo(1);
                assertThat(row.get("truncated").asBoolean())
                        .as("truncated of %s", id)
                        .isFalse();
            }
        }
    }

    private static void assertEveryKeyOnce(
            Map<String, String> inputs, Map<String, List<ConsumerRecord<byte[], byte[]>>> out) {
        List<String> expected =
                inputs.keySet().stream().filter(k -> !k.equals(MALFORMED)).toList();
        Map<String, Integer> counts = new TreeMap<>();
        out.forEach((k, v) -> counts.put(k, v.size()));
        List<String> lost = expected.stream().filter(k -> !out.containsKey(k)).toList();
        List<String> duplicated = counts.entrySet().stream()
                .filter(c -> c.getValue() > 1)
                .map(Map.Entry::getKey)
                .toList();
        assertThat(lost).as("lost keys").isEmpty();
        assertThat(duplicated).as("duplicated keys").isEmpty();
        assertThat(out.keySet()).as("keys out").containsExactlyInAnyOrderElementsOf(expected);
    }

    private static String script() throws IOException {
        try (InputStream in = SqlSessionClusterITCase.class.getClassLoader().getResourceAsStream(SCRIPT_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The jars the Gateway session adds (staged by this module's pom in target/sql-jars). */
    private static List<Path> sqlJars() {
        Path dir = Path.of(System.getProperty("sentiment.sql-jars", "missing"));
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + " is missing: run this module through Maven", e);
        }
    }
}
