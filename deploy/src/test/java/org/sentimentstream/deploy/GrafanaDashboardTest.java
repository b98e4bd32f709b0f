package org.sentimentstream.deploy;

import org.sentimentstream.embedded.EmbeddedKafkaBroker;
import org.sentimentstream.embedded.KafkaProducers;
import org.sentimentstream.embedded.SampleReviews;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.pipeline.SentimentPipeline;
import org.sentimentstream.testing.DashboardMetrics;
import org.sentimentstream.testing.PrometheusScrape;
import org.sentimentstream.testing.TestModels;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard asks only for metrics the job really exports: the real pipeline runs on a MiniCluster with
 * an in-process KRaft broker, the tiny test model, exactly-once checkpointing and Flink's Prometheus reporter; its
 * {@code /metrics} scrape (kept in target/metrics-scrape/minicluster.prom) must contain every metric and label every
 * dashboard query uses, and the job's own sentiment metrics must count what was scored. A MiniCluster serves the
 * JobManager's metrics (checkpoints) and the TaskManager's from one reporter.
 */
class GrafanaDashboardTest {

    static final Path DASHBOARD = Path.of("grafana", "sentiment-stream-dashboard.json");
    private static final int PARALLELISM = 2;
    private static final int PROM_PORT = freePort();
    private static final String SENTIMENT = "flink_taskmanager_job_task_operator_sentiment_";

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(PARALLELISM)
            .setConfiguration(prometheusReporter())
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

    /** As the image and the FlinkDeployment configure it, on a free port. */
    private static Configuration prometheusReporter() {
        Configuration conf = new Configuration();
        conf.setString(
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", Integer.toString(PROM_PORT));
        return conf;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void everyDashboardQueryUsesExportedMetrics() throws Exception {
        DashboardMetrics dashboard = DashboardMetrics.read(DASHBOARD);
        assertThat(dashboard.queries()).hasSizeGreaterThanOrEqualTo(10);

        kafka.createTopics(2, "reviews", "reviews-scored", "reviews-dlq");
        List<String> reviews = SampleReviews.loadSampleLines().subList(0, 300);
        List<byte[]> malformed = SampleReviews.malformedRecords();
        produce(reviews, malformed);

        Map<String, String> settings = new HashMap<>();
        settings.put("sentiment.bootstrap-servers", kafka.bootstrapServers());
        settings.put("sentiment.starting-offsets", "EARLIEST");
        settings.put("sentiment.checkpoint-interval", "1 s");
        settings.put("sentiment.model", TestModels.tinyModelDir().toString());
        JobConfig config = JobConfig.of(settings);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(PARALLELISM);
        SentimentPipeline.define(env, config);
        JobClient job = env.executeAsync("sentiment-stream");
        PrometheusScrape scrape;
        try {
            scrape = scrapeUntil(
                    Duration.ofMinutes(4),
                    s -> s.sum(SENTIMENT + "recordsScored") >= reviews.size()
                            && s.sum(SENTIMENT + "reason_deadLetters") >= malformed.size()
                            && s.max("flink_jobmanager_job_numberOfCompletedCheckpoints") >= 2
                            && dashboard.problems(s).isEmpty());
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
        }
        Path saved = Path.of("target", "metrics-scrape", "minicluster.prom");
        Files.createDirectories(saved.getParent());
        Files.writeString(saved, scrape.text(), StandardCharsets.UTF_8);

        assertThat(dashboard.problems(scrape))
                .as("dashboard queries vs the scrape in " + saved)
                .isEmpty();
        assertThat(dashboard.metricNames())
                .as("the job's own metrics on the dashboard")
                .contains(
                        SENTIMENT + "batchSize",
                        SENTIMENT + "inferenceTimeMs",
                        SENTIMENT + "queueWaitMs",
                        SENTIMENT + "paddingEfficiency",
                        SENTIMENT + "reason_deadLetters");

        assertThat(scrape.sum(SENTIMENT + "recordsScored")).isEqualTo(reviews.size());
        assertThat(scrape.sum(SENTIMENT + "reason_deadLetters")).isEqualTo(malformed.size());
        assertThat(scrape.samples(SENTIMENT + "reason_deadLetters"))
                .extracting(sample -> sample.labels().get("reason"))
                .contains(
                        "INVALID_UTF8",
                        "INVALID_JSON",
                        "NOT_AN_OBJECT",
                        "MISSING_TEXT",
                        "NULL_TEXT",
                        "NON_STRING_TEXT",
                        "BLANK_TEXT");
        for (String positive : List.of(
                "batches",
                "realTokens",
                "computedTokens",
                "paddingEfficiency",
                "batchSize_count",
                "inferenceTimeMs_count",
                "queueWaitMs_count")) {
            assertThat(scrape.sum(SENTIMENT + positive))
                    .as(SENTIMENT + positive)
                    .isPositive();
        }
        assertThat(scrape.max(SENTIMENT + "paddingEfficiency")).isLessThanOrEqualTo(1.0);
    }

    private static PrometheusScrape scrapeUntil(Duration timeout, java.util.function.Predicate<PrometheusScrape> done)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        PrometheusScrape last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = PrometheusScrape.fetch("http://localhost:" + PROM_PORT + "/metrics");
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                // the reporter starts with the cluster; the job's metrics appear when its tasks run
            }
            Thread.sleep(2_000);
        }
        if (last != null) {
            Path saved = Path.of("target", "metrics-scrape", "minicluster-timeout.prom");
            Files.createDirectories(saved.getParent());
            Files.writeString(saved, last.text(), StandardCharsets.UTF_8);
            return last; // the assertions say what is missing
        }
        throw new AssertionError("No scrape from http://localhost:" + PROM_PORT + "/metrics");
    }

    private static void produce(List<String> reviews, List<byte[]> malformed) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaProducers.bytes(kafka.bootstrapServers())) {
            for (String review : reviews) {
                producer.send(new ProducerRecord<>("reviews", review.getBytes(StandardCharsets.UTF_8)));
            }
            for (byte[] value : malformed) {
                producer.send(new ProducerRecord<>("reviews", value));
            }
            producer.flush();
        }
    }
}
