package org.sentimentstream.deploy;

import org.sentimentstream.job.config.JobConfig;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/compose/ without starting it: the services use the image build.sh tags, the job's arguments are valid for
 * the job, the mounted files exist, Prometheus scrapes the reporter's port, and docker-compose (where installed)
 * accepts the file. Starting the stack needs the base images: the container tests do that.
 */
class ComposeFileTest {

    private static final Path COMPOSE_DIR = Path.of("compose");
    private static JsonNode services;

    @BeforeAll
    static void read() throws Exception {
        services = Manifests.tree(DeployFiles.read(COMPOSE_DIR.resolve("docker-compose.yml")))
                .get("services");
    }

    @Test
    void hasTheStack() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("kafka", "producer", "jobmanager", "taskmanager", "prometheus");
        // official images by default; the container tests may set the project's offline substitutes
        assertThat(services.at("/kafka/image").asText()).isEqualTo("${KAFKA_IMAGE:-apache/kafka:4.1.1}");
        assertThat(services.at("/prometheus/image").asText()).isEqualTo("${PROMETHEUS_IMAGE:-prom/prometheus:v2.42.0}");
        assertThat(services.at("/kafka/environment/KAFKA_PROCESS_ROLES").asText())
                .isEqualTo("broker,controller");
        for (String flink : List.of("producer", "jobmanager", "taskmanager")) {
            assertThat(services.at("/" + flink + "/image").asText())
                    .isEqualTo("${SENTIMENT_IMAGE:-" + DeployFiles.builtImage() + "}");
        }
        assertThat(services.at("/jobmanager/depends_on/producer/condition").asText())
                .isEqualTo("service_completed_successfully");
    }

    @Test
    void theJobRunsInApplicationModeWithValidSettings() {
        List<String> command = strings(services.at("/jobmanager/command"));
        assertThat(command.subList(0, 4))
                .containsExactly("standalone-job", "--job-classname", "org.sentimentstream.job.cli.Main", "run");
        Map<String, String> flags = new HashMap<>();
        for (int i = 4; i < command.size(); i += 2) {
            flags.put("sentiment." + command.get(i).substring(2), command.get(i + 1));
        }
        JobConfig config = JobConfig.from(new Configuration(), flags).requireBootstrapServers();
        assertThat(config.toString()).contains("kafka:9092");
        assertThat(flags.get("sentiment.model")).isEqualTo("/opt/sentiment/model");
        // the model directory mounted there exists and is complete
        for (String service : List.of("jobmanager", "taskmanager")) {
            String mount = volumeTo(service, "/opt/sentiment/model");
            for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
                assertThat(COMPOSE_DIR.resolve(mount).resolve(file)).exists();
            }
        }
        assertThat(services.at("/taskmanager/command/0").asText()).isEqualTo("taskmanager");
    }

    @Test
    void theProducerIsTheDistributionsProduceCommand() {
        assertThat(strings(services.at("/producer/entrypoint")))
                .containsExactly("/opt/sentiment-stream/bin/sentiment-stream");
        assertThat(volumeTo("producer", "/opt/sentiment-stream"))
                .isEqualTo("${SENTIMENT_CLI:-../../cli/target/sentiment-stream-0.1.0-SNAPSHOT}");
        assertThat(COMPOSE_DIR.resolve("../../cli/src/dist/bin/sentiment-stream"))
                .exists();
        assertThat(DeployFiles.read(COMPOSE_DIR.resolve("../../cli/pom.xml")))
                .contains("<finalName>sentiment-stream-${project.version}</finalName>");
        assertThat(strings(services.at("/producer/command")))
                .startsWith("produce", "--bootstrap-servers", "kafka:9092");
    }

    @Test
    void prometheusScrapesTheReporterPort() throws Exception {
        JsonNode prometheus = Manifests.tree(DeployFiles.read(COMPOSE_DIR.resolve("prometheus.yml")));
        List<String> targets = strings(prometheus.at("/scrape_configs/0/static_configs/0/targets"));
        String port =
                DeployFiles.group(DeployFiles.read(DeployFiles.IMAGE_CONFIG), "metrics.reporter.prom.port: (\\d+)");
        assertThat(targets).containsExactlyInAnyOrder("jobmanager:" + port, "taskmanager:" + port);
        assertThat(volumeTo("prometheus", "/etc/prometheus/prometheus.yml")).isEqualTo("./prometheus.yml");
    }

    @Test
    void dockerComposeAcceptsIt() throws Exception {
        Assumptions.assumeTrue(onPath("docker-compose"), "docker-compose is not installed");
        Process p = new ProcessBuilder(
                        "docker-compose",
                        "-f",
                        COMPOSE_DIR.resolve("docker-compose.yml").toString(),
                        "config",
                        "--quiet")
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static String volumeTo(String service, String containerPath) {
        for (String volume : strings(services.at("/" + service + "/volumes"))) {
            // source:target[:mode], where the source may be ${VAR:-default}
            String mount = volume.replaceFirst(":(ro|rw)$", "");
            int colon = mount.lastIndexOf(':');
            if (mount.substring(colon + 1).equals(containerPath)) {
                return mount.substring(0, colon);
            }
        }
        throw new AssertionError(service + " mounts nothing at " + containerPath);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }
}
