package org.sentimentstream.testcontainers;

import org.sentimentstream.cli.input.ReviewInput;
import org.sentimentstream.embedded.SampleReviews;
import org.sentimentstream.testing.PrometheusScrape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/compose/docker-compose.yml} brought up as a user does ({@code docker compose} or Debian's
 * {@code docker-compose}): Kafka, the producer of the sample, the job on a JobManager and a TaskManager of the
 * production image, Prometheus. The sample is scored (Prometheus's own query API reports every review), both Flink
 * processes are up as scrape targets, the dashboard's queries match what they export; then everything is removed.
 */
class ComposeStackITCase {

    private static final Logger LOG = LoggerFactory.getLogger(ComposeStackITCase.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void composeUpScoresTheSampleAndPrometheusReportsIt() throws Exception {
        String image = ProductionImage.build();
        // the official images, or the project's substitutes where they cannot be had (ContainerImages logs which)
        String kafkaImage = ContainerImages.kafkaChoice().name();
        String prometheusImage = ContainerImages.prometheusChoice().name();

        String project = "sentiment-it-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>();
        env.put("SENTIMENT_IMAGE", image);
        env.put("SENTIMENT_CLI", System.getProperty("sentiment.cli.distribution"));
        env.put("KAFKA_IMAGE", kafkaImage);
        env.put("PROMETHEUS_IMAGE", prometheusImage);
        for (String port :
                List.of("FLINK_UI_PORT", "JOBMANAGER_METRICS_PORT", "TASKMANAGER_METRICS_PORT", "PROMETHEUS_PORT")) {
            env.put(port, Integer.toString(freePort()));
        }
        ContainerReaper.removeOnExit("label=com.docker.compose.project=" + project);
        try {
            compose(project, env, "up", "-d");

            int scoredExpected = ReviewInput.sample().size()
                    - SampleReviews.malformedRecords().size();
            int deadLettersExpected = SampleReviews.malformedRecords().size();
            String prometheus = "http://localhost:" + env.get("PROMETHEUS_PORT");
            double scored = awaitQuery(
                    prometheus,
                    "sum(flink_taskmanager_job_task_operator_sentiment_recordsScored)",
                    scoredExpected,
                    Duration.ofMinutes(6));
            double deadLetters =
                    query(prometheus, "sum(flink_taskmanager_job_task_operator_sentiment_reason_deadLetters)");
            double targetsUp = query(prometheus, "sum(up{job=\"flink\"})");
            LOG.info(
                    "Compose stack: Prometheus reports {} scored, {} dead letters, {} Flink targets up",
                    scored,
                    deadLetters,
                    targetsUp);
            assertThat(scored).as("scored, as Prometheus reports it").isEqualTo(scoredExpected);
            assertThat(deadLetters)
                    .as("dead letters, as Prometheus reports them")
                    .isEqualTo(deadLettersExpected);
            assertThat(targetsUp).as("JobManager and TaskManager scraped").isEqualTo(2);

            PrometheusScrape both = PrometheusScrape.fetchAll(
                    "http://localhost:" + env.get("JOBMANAGER_METRICS_PORT") + "/metrics",
                    "http://localhost:" + env.get("TASKMANAGER_METRICS_PORT") + "/metrics");
            assertThat(ProductionImage.dashboard().problems(both))
                    .as("dashboard queries against the stack's metrics")
                    .isEmpty();
        } finally {
            try {
                Files.writeString(
                        Path.of("target", "container-logs", "compose.log"),
                        compose(project, env, "logs", "--no-color"));
            } finally {
                compose(project, env, "down", "-v", "--remove-orphans");
            }
        }
    }

    /** Runs docker compose (the plugin) or docker-compose on the stack's file; returns its output. */
    private static String compose(String project, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(composeCli());
        command.addAll(List.of(
                "-p",
                project,
                "-f",
                ProductionImage.deployDir()
                        .resolve("compose")
                        .resolve("docker-compose.yml")
                        .toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    private static List<String> composeCli() throws InterruptedException {
        for (List<String> cli : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            try {
                List<String> version = new ArrayList<>(cli);
                version.add("version");
                Process p =
                        new ProcessBuilder(version).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return cli;
                }
            } catch (IOException notInstalled) {
                // try the next one
            }
        }
        throw new IllegalStateException("Neither `docker compose` nor `docker-compose` works: install Docker's compose"
                + " plugin or Debian's docker-compose");
    }

    private static double awaitQuery(String prometheus, String promql, double expected, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        double value = Double.NaN;
        while (System.nanoTime() < deadline) {
            try {
                value = query(prometheus, promql);
                if (value >= expected) {
                    return value;
                }
            } catch (IOException notYetUp) {
                // Prometheus starts after the Flink processes
            }
            Thread.sleep(2000);
        }
        return value;
    }

    /** The single value of an instant query through Prometheus's HTTP API; NaN when it has no result yet. */
    private static double query(String prometheus, String promql) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query?query="
                                        + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode result = JSON.readTree(response.body()).path("data").path("result");
        return result.isArray() && result.size() == 1
                ? result.get(0).get("value").get(1).asDouble()
                : Double.NaN;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
