package org.sentimentstream.cli.local;

import org.sentimentstream.embedded.EmbeddedKafkaBroker;
import org.sentimentstream.embedded.JobOutputReader;
import org.sentimentstream.embedded.RetainingMetricReporter;
import org.sentimentstream.embedded.SampleReviews;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.KafkaOptions;
import org.sentimentstream.job.config.PipelineOptions;
import org.sentimentstream.job.pipeline.SentimentPipeline;
import org.sentimentstream.job.records.DeadLetters;
import org.sentimentstream.udf.SentimentOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The embedded run: an in-process KRaft broker, the job graph on a local MiniCluster, sample (or the user's)
 * reviews in, and a readable table and summary of what came out. Every listener binds to 127.0.0.1.
 */
public final class LocalRun {

    /** The gold labels of the sample, as the summary names them. */
    public static final LocalSummary.Gold SAMPLE_GOLD =
            new LocalSummary.Gold(SampleReviews.GOLD_FIELD, SampleReviews.GOLD_SOURCE, SampleReviews.GOLD_PARTS);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobConfig config;
    private final LocalModel.Choice model;
    private final int parallelism;
    private final PrintStream out;

    public LocalRun(JobConfig config, LocalModel.Choice model, int parallelism, PrintStream out) {
        this.config = config;
        this.model = model;
        this.parallelism = parallelism;
        this.out = out;
    }

    /** Reviews to produce: record values, keyed by id where the input has one. */
    public static final class Input {
        final List<byte[]> keys = new ArrayList<>();
        final List<byte[]> values = new ArrayList<>();
        /** Where the gold labels come from and which field holds them; null for none. */
        LocalSummary.Gold gold;

        public int size() {
            return values.size();
        }

        /** The key of record {@code i}: its id where it has one, else null. */
        public byte[] key(int i) {
            return keys.get(i);
        }

        public byte[] value(int i) {
            return values.get(i);
        }

        /** The gold labels of this input, or null. */
        public LocalSummary.Gold gold() {
            return gold;
        }

        void add(String key, byte[] value) {
            keys.add(key == null ? null : key.getBytes(StandardCharsets.UTF_8));
            values.add(value);
        }

        /**
         * The project's sample ({@link SampleReviews}): the SST-2 dev sentences and the project's longer reviews, with
         * their gold labels, plus one record for each dead-letter reason.
         */
        public static Input sample() {
            Input input = new Input();
            input.gold = SAMPLE_GOLD;
            for (String line : SampleReviews.loadSampleLines()) {
                input.add(idOf(line), line.getBytes(StandardCharsets.UTF_8));
            }
            int i = 0;
            for (byte[] bad : SampleReviews.malformedRecords()) {
                input.add("malformed-" + i++, bad);
            }
            return input;
        }

        /** {@link #fromFile(Path, String)} with gold labels, if any, in the field {@code label}. */
        public static Input fromFile(Path file) throws IOException {
            return fromFile(file, "label");
        }

        /**
         * A user's file: JSON Lines as they are, a TSV's rows as objects (every cell a string), any other file a
         * review per line (no labels). Records that have {@code labelField} are compared with it.
         */
        public static Input fromFile(Path file, String labelField) throws IOException {
            Input input = new Input();
            input.gold = new LocalSummary.Gold(
                    labelField,
                    String.format("field \"%s\" of %s, %s", labelField, file.getFileName(), LocalSummary.Gold.READING),
                    Map.of());
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String name = file.getFileName().toString();
            if (name.endsWith(".tsv") && !lines.isEmpty()) {
                String[] header = lines.get(0).split("\t", -1);
                for (int r = 1; r < lines.size(); r++) {
                    String[] cells = lines.get(r).split("\t", -1);
                    ObjectNode row = JSON.createObjectNode();
                    for (int c = 0; c < header.length && c < cells.length; c++) {
                        row.put(header[c], cells[c]);
                    }
                    if (!row.has("text") && row.has("sentence")) {
                        row.put("text", row.get("sentence").asText());
                    }
                    input.add("row-" + r, JSON.writeValueAsBytes(row));
                }
            } else if (name.endsWith(".jsonl") || name.endsWith(".json")) {
                for (String line : lines) {
                    if (!line.isBlank()) {
                        input.add(idOf(line), line.getBytes(StandardCharsets.UTF_8));
                    }
                }
            } else {
                int r = 0;
                for (String line : lines) {
                    if (!line.isBlank()) {
                        input.add(
                                "line-" + ++r,
                                JSON.writeValueAsBytes(JSON.createObjectNode().put("text", line)));
                    }
                }
            }
            return input;
        }

        private static String idOf(String jsonLine) {
            try {
                JsonNode id = JSON.readTree(jsonLine).get("id");
                return id == null ? null : id.asText();
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** Runs the job over {@code input}; with {@code follow}, then reads reviews from {@code console}. */
    public LocalSummary run(Input input, boolean follow, BufferedReader console) throws Exception {
        model.printBanner(out);
        RetainingMetricReporter.clear();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String in = config.get(KafkaOptions.INPUT_TOPIC);
            String scoredTopic = config.get(KafkaOptions.OUTPUT_TOPIC);
            String dlqTopic = config.get(KafkaOptions.DLQ_TOPIC);
            broker.createTopics(parallelism, in, scoredTopic, dlqTopic);
            out.printf(
                    "Kafka broker (KRaft, in-process) at %s: topics %s, %s, %s%n",
                    broker.bootstrapServers(), in, scoredTopic, dlqTopic);

            Map<String, String> embedded = new HashMap<>(Map.of(
                    KafkaOptions.BOOTSTRAP_SERVERS.key(), broker.bootstrapServers(),
                    KafkaOptions.STARTING_OFFSETS.key(), "EARLIEST",
                    SentimentOptions.MODEL.key(), model.dir().toString()));
            if (config.getOptional(PipelineOptions.CHECKPOINT_INTERVAL).isEmpty()) {
                embedded.put(PipelineOptions.CHECKPOINT_INTERVAL.key(), "1 s");
            }
            JobConfig jobConfig = config.with(embedded);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(parallelism, flinkConfiguration());
            SentimentPipeline.define(env, jobConfig);
            out.printf(
                    "Flink MiniCluster: parallelism %d, %s delivery, checkpoint every %s; model %s%n",
                    parallelism,
                    jobConfig.get(KafkaOptions.DELIVERY_GUARANTEE),
                    jobConfig.redacted().get(PipelineOptions.CHECKPOINT_INTERVAL.key()),
                    model.dir()); // as configured
            JobClient job = env.executeAsync("sentiment-stream (local)");
            try (OutputReader reader = new OutputReader(broker.bootstrapServers(), scoredTopic, dlqTopic);
                    KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
                waitUntilRunning(job);
                long start = System.currentTimeMillis();
                for (int i = 0; i < input.size(); i++) {
                    producer.send(new ProducerRecord<>(
                            in, null, System.currentTimeMillis(), input.keys.get(i), input.values.get(i)));
                }
                producer.flush();
                out.printf("Produced %d records to %s; scoring...%n", input.size(), in);
                reader.awaitTotal(input.size(), job, out);
                long end = reader.lastArrival();
                LocalSummary summary = LocalSummary.of(
                        input.size(),
                        reader,
                        input.gold,
                        start,
                        end,
                        RetainingMetricReporter.sum("batches"),
                        RetainingMetricReporter.sum("recordsScored"),
                        RetainingMetricReporter.sum("realTokens"),
                        RetainingMetricReporter.sum("computedTokens"));
                printTable(reader.scored, 15, input.gold);
                summary.print(out);
                if (follow) {
                    follow(console, producer, reader, in, job);
                }
                model.printBanner(out);
                return summary;
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private void follow(
            BufferedReader console,
            KafkaProducer<byte[], byte[]> producer,
            OutputReader reader,
            String topic,
            JobClient job)
            throws Exception {
        out.println();
        out.println("Type a review and press Enter to score it (Ctrl-D to stop).");
        out.print("> ");
        out.flush();
        for (String line; (line = console.readLine()) != null; ) {
            if (line.isBlank()) {
                out.print("> ");
                out.flush();
                continue;
            }
            int scoredBefore = reader.scored.size();
            byte[] value = JSON.writeValueAsBytes(JSON.createObjectNode().put("text", line));
            producer.send(new ProducerRecord<>(
                    topic,
                    null,
                    System.currentTimeMillis(),
                    UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8),
                    value));
            producer.flush();
            reader.awaitTotal(reader.total() + 1, job, null);
            if (reader.scored.size() > scoredBefore) {
                JsonNode s = reader.scored.get(reader.scored.size() - 1).get("sentiment");
                out.printf(
                        "  %s %.4f  (%d tokens%s%s)%n",
                        s.get("label").asText(),
                        s.get("score").asDouble(),
                        s.get("tokens").asInt(),
                        s.path("windows").asInt(1) > 1
                                ? " in " + s.get("windows").asInt() + " windows"
                                : "",
                        s.get("truncated").asBoolean() ? ", truncated" : "");
            } else {
                out.printf("  dead letter: %s%n", reader.lastDeadLetterReason);
            }
            out.print("> ");
            out.flush();
        }
        out.println();
    }

    private void printTable(List<JsonNode> scored, int rows, LocalSummary.Gold gold) {
        out.println();
        out.printf("%-9s %7s  %-5s  %s%n", "LABEL", "SCORE", "GOLD", "REVIEW");
        for (int i = 0; i < Math.min(rows, scored.size()); i++) {
            JsonNode r = scored.get(i);
            JsonNode s = r.get("sentiment");
            Boolean goldPositive = gold == null ? null : gold.positiveOf(r);
            String goldLabel = goldPositive == null
                    ? (gold != null && r.has(gold.field()) ? "?" : "")
                    : goldPositive ? "pos" : "neg";
            String text = r.path("text").asText();
            out.printf(
                    "%-9s %7.4f  %-5s  %s%n",
                    s.get("label").asText(),
                    s.get("score").asDouble(),
                    goldLabel,
                    text.length() > 90 ? text.substring(0, 87) + "..." : text);
        }
        out.println();
    }

    /** Waits until the job runs; fails when it ends first or does not start within two minutes. */
    public static void waitUntilRunning(JobClient job) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (System.currentTimeMillis() > deadline
                    || job.getJobStatus().get().isGloballyTerminalState()) {
                throw new IllegalStateException(
                        "the job did not start: " + job.getJobStatus().get());
            }
            Thread.sleep(100);
        }
    }

    /** A MiniCluster's configuration: every listener on 127.0.0.1, metrics retained for the summary. */
    public static Configuration flinkConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.setString("metrics.reporter.local.factory.class", RetainingMetricReporter.class.getName());
        // A broken setup should end the demo with its error, not restart forever.
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "2");
        conf.setString("restart-strategy.fixed-delay.delay", "1 s");
        return conf;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The committed output: scored records parsed, dead letters counted by reason. */
    static final class OutputReader implements AutoCloseable {
        final List<JsonNode> scored = new ArrayList<>();
        final Map<String, Integer> deadLetters = new TreeMap<>();
        final List<Long> latenciesMs;
        String lastDeadLetterReason;
        private final JobOutputReader output;

        OutputReader(String bootstrap, String scoredTopic, String dlqTopic) {
            output = new JobOutputReader(bootstrap, scoredTopic, dlqTopic, this::accept);
            latenciesMs = output.latenciesMs();
        }

        int total() {
            return output.total();
        }

        long lastArrival() {
            return output.lastArrivalMs();
        }

        void awaitTotal(int expected, JobClient job, PrintStream progress) throws Exception {
            output.await(expected, () -> {
                if (progress != null) {
                    progress.printf(
                            "  ... %d scored, %d dead letters of %d%n",
                            scored.size(), total() - scored.size(), expected);
                }
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    throw new IllegalStateException(
                            "the job ended early: " + job.getJobStatus().get() + "; see the log above");
                }
            });
        }

        private void accept(ConsumerRecord<byte[], byte[]> r, boolean isScored) throws IOException {
            if (isScored) {
                scored.add(JSON.readTree(r.value()));
            } else {
                Header reason = r.headers().lastHeader(DeadLetters.REASON);
                String key = reason == null ? "?" : new String(reason.value(), StandardCharsets.UTF_8);
                deadLetters.merge(key, 1, Integer::sum);
                lastDeadLetterReason = key;
            }
        }

        @Override
        public void close() {
            output.close();
        }
    }

    static String percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return "n/a";
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format("p50 %d ms, p95 %d ms, p99 %d ms", at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99));
    }

    static long at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
