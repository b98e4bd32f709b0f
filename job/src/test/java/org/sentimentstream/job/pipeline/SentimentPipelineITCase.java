package org.sentimentstream.job.pipeline;

import org.sentimentstream.embedded.EmbeddedKafkaBroker;
import org.sentimentstream.embedded.KafkaProducers;
import org.sentimentstream.embedded.ReadCommittedConsumer;
import org.sentimentstream.embedded.SampleReviews;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.records.DeadLetterReason;
import org.sentimentstream.job.records.DeadLetters;
import org.sentimentstream.testing.Bytes;
import org.sentimentstream.testing.SentimentAssertions;
import org.sentimentstream.testing.TestModels;
import org.sentimentstream.testing.TestModels.ReferenceCase;
import org.sentimentstream.testing.TinyModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real job graph on a MiniCluster against an in-process Kafka broker: every input comes out exactly once
 * (exactly-once) or at least once, scored with the reference logits or as a dead letter with the reason, with its
 * key, headers and timestamp.
 */
class SentimentPipelineITCase {

    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .setConfiguration(noRestarts())
            .build());

    private static EmbeddedKafkaBroker kafka;

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

    /** A failure-free run must not need a restart; one would hide the error behind a retry. */
    private static Configuration noRestarts() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return conf;
    }

    /** One input record and what must become of it. */
    private static final class Input {
        final String key;
        final byte[] value;
        final List<Header> headers = new ArrayList<>();
        final long timestamp;
        /** The output's fields besides {@code sentiment}; null for a dead letter. */
        ObjectNode fields;
        /** The reference the output's logits must match; null for a dead letter or an unknown text. */
        ReferenceCase reference;
        /** Tokens, windows and truncation of a scored text without a reference of its own; -1: not checked. */
        int tokens = -1;

        int windows = -1;

        boolean truncated;
        /** The dead-letter reason; null for a record to be scored. */
        DeadLetterReason reason;

        RecordMetadata metadata;

        Input(int i, byte[] value, long baseTimestamp) {
            this.key = "k" + i;
            this.value = value;
            this.timestamp = baseTimestamp + i;
            headers.add(new RecordHeader("trace", Bytes.utf8(Integer.toString(i))));
        }
    }

    /** A record value that must become a dead letter. */
    private record Bad(byte[] value, DeadLetterReason reason) {}

    private static List<Bad> badJsonValues() {
        List<byte[]> sample = SampleReviews.malformedRecords();
        List<DeadLetterReason> sampleReasons = SampleReviews.malformedRecordReasons().stream()
                .map(DeadLetterReason::valueOf)
                .toList();
        List<Bad> bad = new ArrayList<>();
        for (int i = 0; i < sample.size(); i++) {
            bad.add(new Bad(sample.get(i), sampleReasons.get(i)));
        }
        bad.add(new Bad(Bytes.utf8("{\"text\":\"a\"} x"), DeadLetterReason.INVALID_JSON));
        bad.add(new Bad(Bytes.utf8("{\"text\":\"a\"}{\"text\":\"b\"}"), DeadLetterReason.INVALID_JSON));
        bad.add(new Bad(Bytes.utf8("good movie"), DeadLetterReason.INVALID_JSON));
        bad.add(new Bad(new byte[0], DeadLetterReason.INVALID_JSON));
        bad.add(new Bad(null, DeadLetterReason.INVALID_JSON)); // a tombstone
        bad.add(new Bad(Bytes.utf8("null"), DeadLetterReason.NOT_AN_OBJECT));
        bad.add(new Bad(Bytes.utf8("123"), DeadLetterReason.NOT_AN_OBJECT));
        bad.add(new Bad(Bytes.utf8("{\"review\":\"good\"}"), DeadLetterReason.MISSING_TEXT));
        bad.add(new Bad(Bytes.utf8("{\"text\":[\"good\"]}"), DeadLetterReason.NON_STRING_TEXT));
        bad.add(new Bad(Bytes.utf8("{\"text\":{\"en\":\"good\"}}"), DeadLetterReason.NON_STRING_TEXT));
        bad.add(new Bad(Bytes.utf8("{\"text\":true}"), DeadLetterReason.NON_STRING_TEXT));
        bad.add(new Bad(Bytes.utf8("{\"text\":\"\"}"), DeadLetterReason.BLANK_TEXT));
        bad.add(new Bad(Bytes.utf8("{\"text\":\"\\t\\n \"}"), DeadLetterReason.BLANK_TEXT));
        bad.add(new Bad(
                Bytes.concat(Bytes.utf8("{\"text\":\"caf"), new byte[] {(byte) 0xE9}, Bytes.utf8("\"}")),
                DeadLetterReason.INVALID_UTF8)); // Latin-1
        bad.add(new Bad(
                Bytes.concat(Bytes.utf8("{\"text\":\""), new byte[] {(byte) 0xC0, (byte) 0xAF}, Bytes.utf8("\"}")),
                DeadLetterReason.INVALID_UTF8)); // overlong
        bad.add(new Bad(
                Bytes.concat(
                        Bytes.utf8("{\"text\":\""),
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        Bytes.utf8("\"}")),
                DeadLetterReason.INVALID_UTF8)); // a surrogate
        return bad;
    }

    /** Topics, settings and the inputs of one test. */
    private static final class Scenario {
        final String suffix = UUID.randomUUID().toString();
        final String inputTopic = "reviews-" + suffix;
        final String outputTopic = "scored-" + suffix;
        final String dlqTopic = "dlq-" + suffix;
        final Map<String, String> settings = new HashMap<>();
        final List<Input> inputs = new ArrayList<>();

        Scenario(String deliveryGuarantee) {
            kafka.createTopics(PARTITIONS, inputTopic, outputTopic, dlqTopic);
            settings.put("sentiment.bootstrap-servers", kafka.bootstrapServers());
            settings.put("sentiment.input-topic", inputTopic);
            settings.put("sentiment.output-topic", outputTopic);
            settings.put("sentiment.dlq-topic", dlqTopic);
            settings.put("sentiment.group-id", "group-" + suffix);
            settings.put("sentiment.starting-offsets", "EARLIEST");
            settings.put("sentiment.transactional-id-prefix", "tx-" + suffix);
            settings.put("sentiment.delivery-guarantee", deliveryGuarantee);
            settings.put("sentiment.model", TinyModel.dir().toString());
            // The reference is transformers' truncation at 128 tokens; the windows have a test of their own.
            settings.put("sentiment.long-text", "truncate");
        }
    }

    /**
     * Long reviews read in windows, exactly-once: texts of 1 to 300 windows' worth of tokens beside short reference
     * texts and bad records; each comes out once, with the whole text's tokens and the windows scored, and flagged
     * truncated only past max-windows.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void exactlyOnceLongReviewsReadInWindows() throws Exception {
        Scenario s = new Scenario("EXACTLY_ONCE");
        s.settings.put("sentiment.checkpoint-interval", "500 ms");
        s.settings.put("sentiment.long-text", "windows");
        s.settings.put("sentiment.max-windows", "200");
        int perWindow = 126; // 128 less [CLS] and [SEP]; "good" is one token
        int[] goods = {1, 126, 127, 252, 253, 3 * 126 + 5, 50 * 126, 200 * 126, 300 * 126 - 7};
        List<ReferenceCase> cases = TestModels.referenceCases().stream()
                .filter(c -> !c.truncated && !c.text.isBlank())
                .toList();
        List<Bad> bad = badJsonValues();
        long base = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
        for (int i = 0; i < 400; i++) {
            Input in;
            if (i % 37 == 5) {
                Bad b = bad.get((i / 37) % bad.size());
                in = new Input(i, b.value, base);
                in.reason = b.reason;
            } else if (i % 7 == 0) {
                int k = goods[(i / 7) % goods.length];
                ObjectNode value =
                        JSON.createObjectNode().put("id", Integer.toString(i)).put("text", "good ".repeat(k));
                in = new Input(i, JSON.writeValueAsBytes(value), base);
                in.fields = value;
                in.tokens = k + 2;
                int needed = (k + perWindow - 1) / perWindow;
                in.windows = Math.min(needed, 200);
                in.truncated = needed > 200;
            } else {
                ReferenceCase c = cases.get(i % cases.size());
                ObjectNode value =
                        JSON.createObjectNode().put("id", Integer.toString(i)).put("text", c.text);
                in = new Input(i, JSON.writeValueAsBytes(value), base);
                in.fields = value;
                in.reference = c;
            }
            s.inputs.add(in);
        }
        assertThat(s.inputs.stream().filter(in -> in.windows >= 200)).hasSizeGreaterThanOrEqualTo(4);

        produce(s);
        runToCompletion(s);

        assertExactlyOnce(s, readAll(s.outputTopic), readAll(s.dlqTopic));
    }

    /**
     * 10,000 JSON records: reference texts (truncated ones included, and longer variants of them that truncate to
     * the same tokens), with extra fields and headers on some, and every kind of bad value spread through.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void exactlyOnceJsonRecordByRecord() throws Exception {
        Scenario s = new Scenario("EXACTLY_ONCE");
        s.settings.put("sentiment.checkpoint-interval", "500 ms");

        List<ReferenceCase> cases = TestModels.referenceCases();
        List<ReferenceCase> truncatedCases =
                cases.stream().filter(c -> c.truncated).toList();
        assertThat(truncatedCases).isNotEmpty();
        List<Bad> bad = badJsonValues();
        long base = System.currentTimeMillis() - Duration.ofMinutes(30).toMillis();
        int badCount = 0;
        int longCount = 0;
        for (int i = 0; i < 10_000; i++) {
            Input in;
            if (i % 61 == 7) {
                Bad b = bad.get(badCount++ % bad.size());
                in = new Input(i, b.value, base);
                in.reason = b.reason;
            } else {
                ObjectNode json = JSON.createObjectNode().put("id", Integer.toString(i));
                ReferenceCase c;
                if (i % 211 == 100) {
                    // longer than a truncated reference text: the same first 128 tokens, the same logits
                    c = truncatedCases.get(longCount++ % truncatedCases.size());
                    json.put("text", c.text + " and then it went on for another " + i + " words or so");
                } else {
                    c = cases.get(i % cases.size());
                    json.put("text", c.text);
                }
                if (i % 5 == 0) {
                    json.put("stars", i / 5 % 5 + 1).put("verified", i % 2 == 0).putNull("reply");
                    json.putArray("tags").add("a").add(i);
                    json.putObject("meta")
                            .put("süße", "✓ ünïcode")
                            .putObject("deep")
                            .put("n", 1.5);
                }
                in = new Input(i, JSON.writeValueAsBytes(json), base);
                if (c.text.isBlank()) {
                    in.reason = DeadLetterReason.BLANK_TEXT;
                } else {
                    in.fields = json;
                    in.reference = c;
                }
            }
            if (i % 3 == 0) {
                in.headers.add(new RecordHeader("bin", new byte[] {0, (byte) 0xFF, (byte) i}));
            }
            if (i % 11 == 0) {
                in.headers.add(new RecordHeader("dup", Bytes.utf8("1")));
                in.headers.add(new RecordHeader("dup", Bytes.utf8("2")));
            }
            if (i % 13 == 0) {
                in.headers.add(new RecordHeader("empty", null));
            }
            s.inputs.add(in);
        }
        assertThat(longCount).isGreaterThanOrEqualTo(40);
        assertThat(badCount).isGreaterThan(2 * bad.size());

        produce(s);
        runToCompletion(s);

        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored = readAll(s.outputTopic);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters = readAll(s.dlqTopic);

        assertExactlyOnce(s, scored, deadLetters);
        Map<String, Long> reasons = new TreeMap<>();
        deadLetters.values().forEach(list -> reasons.merge(header(list.get(0), DeadLetters.REASON), 1L, Long::sum));
        assertThat(reasons.keySet())
                .containsExactlyInAnyOrder(
                        "INVALID_UTF8",
                        "INVALID_JSON",
                        "NOT_AN_OBJECT",
                        "MISSING_TEXT",
                        "NULL_TEXT",
                        "NON_STRING_TEXT",
                        "BLANK_TEXT");
        long truncated = scored.values().stream()
                .filter(list -> readJson(list.get(0).value())
                        .get("sentiment")
                        .get("truncated")
                        .asBoolean())
                .count();
        assertThat(truncated)
                .isEqualTo(s.inputs.stream()
                        .filter(in -> in.reference != null && in.reference.truncated)
                        .count());
        assertThat(truncated).isGreaterThan(longCount);
    }

    /** TEXT input: the whole value is the review, the output is {"text": ..., "sentiment": ...}. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void exactlyOnceTextFormat() throws Exception {
        Scenario s = new Scenario("EXACTLY_ONCE");
        s.settings.put("sentiment.checkpoint-interval", "500 ms");
        s.settings.put("sentiment.input-format", "TEXT");
        s.settings.put("sentiment.text-field", "ignored-for-text");

        List<ReferenceCase> cases = TestModels.referenceCases();
        long base = System.currentTimeMillis() - Duration.ofMinutes(20).toMillis();
        int i = 0;
        for (int round = 0; round < 2; round++) {
            for (ReferenceCase c : cases) {
                Input in = new Input(i++, Bytes.utf8(c.text), base);
                if (c.text.isBlank()) {
                    in.reason = DeadLetterReason.BLANK_TEXT;
                } else {
                    in.fields = JSON.createObjectNode().put("text", c.text);
                    in.reference = c;
                }
                s.inputs.add(in);
            }
        }
        List<Bad> bad = List.of(
                new Bad(Bytes.concat(Bytes.utf8("caf"), new byte[] {(byte) 0xC3, 0x28}), DeadLetterReason.INVALID_UTF8),
                new Bad(new byte[] {(byte) 0xFF, (byte) 0xFE, 0x41, 0}, DeadLetterReason.INVALID_UTF8),
                new Bad(new byte[0], DeadLetterReason.BLANK_TEXT),
                new Bad(null, DeadLetterReason.BLANK_TEXT),
                new Bad(Bytes.utf8(" \r\n\t "), DeadLetterReason.BLANK_TEXT));
        for (Bad b : bad) {
            Input in = new Input(i++, b.value, base);
            in.reason = b.reason;
            s.inputs.add(in);
        }
        // JSON is just text here
        String jsonText = "{\"text\": \"not parsed\", \"stars\": 5}";
        Input json = new Input(i++, Bytes.utf8(jsonText), base);
        json.fields = JSON.createObjectNode().put("text", jsonText);
        s.inputs.add(json);

        produce(s);
        runToCompletion(s);

        assertExactlyOnce(s, readAll(s.outputTopic), readAll(s.dlqTopic));
    }

    /** At-least-once: no transactions, no checkpointing needed, every input comes out at least once. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void atLeastOnce() throws Exception {
        Scenario s = new Scenario("AT_LEAST_ONCE");
        s.settings.put("sentiment.ordered", "false");

        List<ReferenceCase> cases = TestModels.referenceCases();
        List<Bad> bad = badJsonValues();
        long base = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
        for (int i = 0; i < 600; i++) {
            Input in;
            if (i % 20 == 3) {
                Bad b = bad.get((i / 20) % bad.size());
                in = new Input(i, b.value, base);
                in.reason = b.reason;
            } else {
                ReferenceCase c = cases.get(i % cases.size());
                ObjectNode value =
                        JSON.createObjectNode().put("id", Integer.toString(i)).put("text", c.text);
                in = new Input(i, JSON.writeValueAsBytes(value), base);
                if (c.text.isBlank()) {
                    in.reason = DeadLetterReason.BLANK_TEXT;
                } else {
                    in.fields = value;
                    in.reference = c;
                }
            }
            s.inputs.add(in);
        }

        produce(s);
        runToCompletion(s);

        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored = readAll(s.outputTopic);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters = readAll(s.dlqTopic);
        Map<String, Input> byKey = new HashMap<>();
        s.inputs.forEach(in -> byKey.put(in.key, in));
        assertThat(byKey.keySet()).containsAll(scored.keySet()).containsAll(deadLetters.keySet());
        for (Input in : s.inputs) {
            List<ConsumerRecord<byte[], byte[]>> outputs = (in.reason == null ? scored : deadLetters).get(in.key);
            assertThat(outputs).as("outputs of %s", in.key).isNotEmpty();
            assertThat((in.reason == null ? deadLetters : scored).get(in.key))
                    .as("wrong topic for %s", in.key)
                    .isNull();
            for (ConsumerRecord<byte[], byte[]> out : outputs) {
                assertOutput(s, in, out);
            }
        }
    }

    static final List<String> OTHER_FAMILIES =
            TestModels.ALL.stream().filter(m -> !m.equals(TestModels.TINY)).toList();

    /** The tiny model of each other family and head scores the stream like transformers. */
    @ParameterizedTest
    @FieldSource("OTHER_FAMILIES")
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void eachModelFamilyScoresTheStream(String model) throws Exception {
        Scenario s = new Scenario("AT_LEAST_ONCE");
        s.settings.put("sentiment.model", TestModels.dir(model).toString());
        long base = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
        int i = 0;
        for (ReferenceCase c : TestModels.referenceCases(model)) {
            ObjectNode value =
                    JSON.createObjectNode().put("id", Integer.toString(i)).put("text", c.text);
            Input in = new Input(i++, JSON.writeValueAsBytes(value), base);
            if (c.text.isBlank()) {
                in.reason = DeadLetterReason.BLANK_TEXT;
            } else {
                in.fields = value;
                in.reference = c;
            }
            s.inputs.add(in);
        }

        produce(s);
        runToCompletion(s);

        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored = readAll(s.outputTopic);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters = readAll(s.dlqTopic);
        for (Input in : s.inputs) {
            List<ConsumerRecord<byte[], byte[]>> outputs = (in.reason == null ? scored : deadLetters).get(in.key);
            assertThat(outputs).as("outputs of %s", in.key).isNotEmpty();
            for (ConsumerRecord<byte[], byte[]> out : outputs) {
                assertOutput(s, in, out);
            }
        }
        assertThat(scored.keySet())
                .hasSize((int) s.inputs.stream().filter(in -> in.reason == null).count());
    }

    private static void produce(Scenario s) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaProducers.bytes(kafka.bootstrapServers())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Input in : s.inputs) {
                sent.add(producer.send(new ProducerRecord<>(
                        s.inputTopic, null, in.timestamp, Bytes.utf8(in.key), in.value, in.headers)));
            }
            producer.flush();
            for (int i = 0; i < sent.size(); i++) {
                s.inputs.get(i).metadata = sent.get(i).get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(s.inputs.stream()
                        .map(in -> in.metadata.partition())
                        .distinct()
                        .count())
                .as("inputs in every partition")
                .isEqualTo(PARTITIONS);
    }

    /** The real graph with the bounded source: it ends after the records produced before the start. */
    private static void runToCompletion(Scenario s) throws Exception {
        JobConfig config = JobConfig.of(s.settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        env.configure(noRestarts());
        SentimentPipeline.defineBounded(env, config);
        env.execute("sentiment-pipeline-itcase");
    }

    /** Every record of a topic, as a consumer with read_committed sees it, by key. */
    private static Map<String, List<ConsumerRecord<byte[], byte[]>>> readAll(String topic) {
        // The job has finished: everything is committed, and the end offsets do not move any more.
        List<ConsumerRecord<byte[], byte[]>> records = ReadCommittedConsumer.readToEnd(
                kafka.bootstrapServers(), Map.of(), List.of(topic), Duration.ofSeconds(60));
        assertThat(records)
                .allSatisfy(r -> assertThat(r.key())
                        .as("every output has its input's key")
                        .isNotNull());
        return ReadCommittedConsumer.byKey(records);
    }

    private static void assertExactlyOnce(
            Scenario s,
            Map<String, List<ConsumerRecord<byte[], byte[]>>> scored,
            Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters)
            throws Exception {
        long expectedScored = s.inputs.stream().filter(in -> in.reason == null).count();
        long expectedDeadLetters = s.inputs.size() - expectedScored;
        assertThat(expectedScored).isPositive();
        assertThat(expectedDeadLetters).isPositive();
        int scoredRecords = scored.values().stream().mapToInt(List::size).sum();
        int deadLetterRecords =
                deadLetters.values().stream().mapToInt(List::size).sum();
        assertThat(scoredRecords).as("scored").isEqualTo(expectedScored);
        assertThat(deadLetterRecords).as("dead letters").isEqualTo(expectedDeadLetters);
        assertThat(scoredRecords + deadLetterRecords)
                .as("in = scored + dead letters")
                .isEqualTo(s.inputs.size());

        for (Input in : s.inputs) {
            Map<String, List<ConsumerRecord<byte[], byte[]>>> expectedTopic = in.reason == null ? scored : deadLetters;
            Map<String, List<ConsumerRecord<byte[], byte[]>>> otherTopic = in.reason == null ? deadLetters : scored;
            assertThat(expectedTopic.get(in.key))
                    .as("outputs of %s (%s)", in.key, in.reason)
                    .hasSize(1);
            assertThat(otherTopic.get(in.key))
                    .as("%s also in the other topic", in.key)
                    .isNull();
            assertOutput(s, in, expectedTopic.get(in.key).get(0));
        }
    }

    /** One output record against its input. */
    private static void assertOutput(Scenario s, Input in, ConsumerRecord<byte[], byte[]> out) {
        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo(in.key);
        assertThat(out.timestamp()).as("timestamp of %s", in.key).isEqualTo(in.timestamp);
        List<String> outHeaders = headers(out.headers().toArray());
        List<String> inHeaders = headers(in.headers.toArray(new Header[0]));
        if (in.reason == null) {
            assertThat(out.topic()).isEqualTo(s.outputTopic);
            assertThat(outHeaders).as("headers of %s", in.key).isEqualTo(inHeaders);
            ObjectNode fields = (ObjectNode) readJson(out.value());
            JsonNode sentiment = fields.remove("sentiment");
            assertThat(fields).as("fields of %s", in.key).isEqualTo(in.fields);
            if (in.reference != null) {
                SentimentAssertions.assertSentiment(sentiment, in.reference);
                assertThat(sentiment.get("windows").asInt())
                        .as("windows of %s", in.key)
                        .isEqualTo(1);
            } else if (in.windows > 0) {
                assertThat(sentiment.get("model").asText()).isEqualTo(TinyModel.IDENTITY);
                assertThat(sentiment.get("tokens").asInt())
                        .as("tokens of %s", in.key)
                        .isEqualTo(in.tokens);
                assertThat(sentiment.get("windows").asInt())
                        .as("windows of %s", in.key)
                        .isEqualTo(in.windows);
                assertThat(sentiment.get("truncated").asBoolean())
                        .as("truncation of %s", in.key)
                        .isEqualTo(in.truncated);
                assertThat(sentiment.get("logits").size()).isEqualTo(2);
            } else {
                assertThat(sentiment.get("model").asText()).isEqualTo(TinyModel.IDENTITY);
                assertThat(sentiment.get("tokens").asInt()).isBetween(3, 128);
                assertThat(sentiment.get("logits").size()).isEqualTo(2);
            }
        } else {
            assertThat(out.topic()).isEqualTo(s.dlqTopic);
            assertThat(out.value()).as("original value of %s", in.key).isEqualTo(in.value);
            assertThat(outHeaders.subList(0, inHeaders.size()))
                    .as("original headers of %s", in.key)
                    .isEqualTo(inHeaders);
            assertThat(outHeaders.subList(inHeaders.size(), outHeaders.size()).stream()
                            .map(h -> h.substring(0, h.indexOf('=')))
                            .toList())
                    .containsExactly(
                            DeadLetters.REASON,
                            DeadLetters.DETAIL,
                            DeadLetters.SOURCE_TOPIC,
                            DeadLetters.SOURCE_PARTITION,
                            DeadLetters.SOURCE_OFFSET);
            assertThat(header(out, DeadLetters.REASON))
                    .as("reason of %s", in.key)
                    .isEqualTo(in.reason.name());
            assertThat(header(out, DeadLetters.DETAIL)).isNotBlank();
            assertThat(header(out, DeadLetters.SOURCE_TOPIC)).isEqualTo(s.inputTopic);
            assertThat(header(out, DeadLetters.SOURCE_PARTITION)).isEqualTo(Integer.toString(in.metadata.partition()));
            assertThat(header(out, DeadLetters.SOURCE_OFFSET)).isEqualTo(Long.toString(in.metadata.offset()));
        }
    }

    private static List<String> headers(Header[] headers) {
        Function<byte[], String> show =
                v -> v == null ? "null" : Base64.getEncoder().encodeToString(v);
        List<String> list = new ArrayList<>();
        for (Header h : headers) {
            list.add(h.key() + "=" + show.apply(h.value()));
        }
        return list;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode readJson(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + new String(value, StandardCharsets.UTF_8), e);
        }
    }
}
