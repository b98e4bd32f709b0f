package org.sentimentstream.deploy;

import org.sentimentstream.embedded.KafkaProducers;
import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.KafkaOptions;
import org.sentimentstream.udf.SentimentOptions;

import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.JobState;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * deploy/kubernetes/flink-deployment.yaml, read with the Flink Kubernetes Operator's own model (unknown fields
 * fail) and checked against the image (Dockerfile, build.sh), the measured memory of ONNX Runtime's sessions
 * (docs/bench/session-memory.csv, through Flink 2.2's own memory model), the job's configuration parser and the
 * Kafka clients' handling of the SASL Secret.
 */
class FlinkDeploymentManifestTest {

    private static String yaml;
    private static FlinkDeployment deployment;
    private static FlinkDeploymentSpec spec;
    private static Configuration flinkConf;

    @BeforeAll
    static void parse() throws IOException {
        yaml = DeployFiles.read(DeployFiles.FLINK_DEPLOYMENT);
        deployment = Manifests.parse(yaml, FlinkDeployment.class);
        spec = deployment.getSpec();
        flinkConf = Configuration.fromMap(spec.getFlinkConfiguration());
    }

    @Test
    void isAnApplicationModeFlinkDeploymentOfTheImage() throws Exception {
        assertThat(deployment.getApiVersion()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(deployment.getKind()).isEqualTo("FlinkDeployment");
        assertThat(spec.getImage()).as("the image build.sh tags").isEqualTo(DeployFiles.builtImage());

        // the jar where the Dockerfile puts it
        String jarInImage = DeployFiles.copyDestination("usrlib/sentiment-stream-job.jar");
        assertThat(jarInImage).startsWith("/opt/flink/usrlib/");
        assertThat(spec.getJob().getJarURI()).isEqualTo("local://" + jarInImage);
        assertThat(DeployFiles.read(Path("pom.xml"))).contains("<destFileName>sentiment-stream-job.jar</destFileName>");
        assertThat(Class.forName(spec.getJob().getEntryClass()).getMethod("main", String[].class))
                .isNotNull();
        assertThat(spec.getJob().getArgs()).startsWith("run");

        // Flink 2 on both sides (the operator API here knows no 2.x constant: the value is checked as text)
        String flinkVersion = Manifests.tree(yaml).at("/spec/flinkVersion").asText();
        String imageFlink = DeployFiles.baseImage().replaceFirst("^flink:(\\d+)\\..*$", "$1");
        assertThat(DeployFiles.baseImage()).isEqualTo("flink:2.2.1-java17");
        assertThat(DeployFiles.buildScriptBaseImage())
                .as("build.sh's default base")
                .isEqualTo(DeployFiles.baseImage());
        assertThat(flinkVersion).matches("v" + imageFlink + "_\\d+");

        assertThat(spec.getJob().getUpgradeMode()).isEqualTo(UpgradeMode.LAST_STATE);
        assertThat(spec.getJob().getState()).isEqualTo(JobState.RUNNING);
        assertThat(spec.getJob().getParallelism())
                .isPositive()
                .isLessThanOrEqualTo(flinkConf.get(TaskManagerOptions.NUM_TASK_SLOTS) * 8);
    }

    @Test
    void checkpointsSavepointsAndHighAvailability() {
        assertThat(flinkConf.get(HighAvailabilityOptions.HA_MODE)).isEqualTo("kubernetes");
        assertThat(flinkConf.get(HighAvailabilityOptions.HA_STORAGE_PATH)).startsWith("s3://");
        assertThat(flinkConf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("s3://");
        assertThat(flinkConf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("s3://");
        // the older keys, for operators that read them, say the same
        Map<String, String> raw = spec.getFlinkConfiguration();
        assertThat(raw.get("state.checkpoints.dir"))
                .isEqualTo(flinkConf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertThat(raw.get("state.savepoints.dir")).isEqualTo(flinkConf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY));
        assertThat(flinkConf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
                .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(flinkConf.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isPresent();
        assertThat(flinkConf.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isEqualTo(3);
        assertThat(flinkConf
                        .get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION)
                        .name())
                .isEqualTo("RETAIN_ON_CANCELLATION");
    }

    @Test
    void taskManagerMemoryHoldsTheMeasuredOnnxRuntimeSessions() {
        // What the operator does: taskManager.resource.memory becomes the process size.
        MemorySize process =
                MemorySize.parse(spec.getTaskManager().getResource().getMemory());
        Configuration tm = new Configuration(flinkConf);
        tm.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, process);
        TaskExecutorProcessSpec memory = TaskExecutorProcessUtils.processSpecFromConfig(tm);

        int slots = flinkConf.get(TaskManagerOptions.NUM_TASK_SLOTS);
        String sharing = JobConfig.from(flinkConf, Map.of())
                .get(SentimentOptions.SESSION_SHARING)
                .name();
        int measuredTwoSlots = DeployFiles.measuredMegabytesForTwoSlots(sharing);
        assertThat(measuredTwoSlots).as("measured MB for 2 slots, " + sharing).isPositive();
        // per-slot sessions grow with the slots; one shared session does not
        long required =
                sharing.equals("PER_SLOT") ? (long) Math.ceil(measuredTwoSlots * slots / 2.0) : measuredTwoSlots;

        assertThat(memory.getTotalProcessMemorySize()).isEqualTo(process);
        assertThat(memory.getTaskOffHeapSize().getMebiBytes())
                .as(
                        "task off-heap (MiB) vs ONNX Runtime's measured %d MB for %d slots, with >= 20%% headroom",
                        required, slots)
                .isGreaterThanOrEqualTo((int) Math.ceil(required * 1.2));
        assertThat(memory.getManagedMemorySize().getBytes()).isZero();
        assertThat(flinkConf.getString("state.backend.type", "")).isEqualTo("hashmap");
        assertThat(memory.getTaskHeapSize().getMebiBytes()).isGreaterThanOrEqualTo(768);

        // the container gets the same CPUs as the slots expect, and the JobManager's memory adds up too
        assertThat(spec.getTaskManager().getResource().getCpu()).isEqualTo((double) slots);
        Configuration jm = new Configuration(flinkConf);
        jm.set(
                JobManagerOptions.TOTAL_PROCESS_MEMORY,
                MemorySize.parse(spec.getJobManager().getResource().getMemory()));
        assertThat(JobManagerProcessUtils.processSpecFromConfig(jm)
                        .getJvmHeapMemorySize()
                        .getMebiBytes())
                .isGreaterThanOrEqualTo(512);
    }

    @Test
    void prometheusReporterAsInTheImage() {
        String image = DeployFiles.read(DeployFiles.IMAGE_CONFIG);
        String factory = spec.getFlinkConfiguration().get("metrics.reporter.prom.factory.class");
        String port = spec.getFlinkConfiguration().get("metrics.reporter.prom.port");
        assertThat(factory).isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(image)
                .contains("metrics.reporter.prom.factory.class: " + factory)
                .contains("metrics.reporter.prom.port: " + port);
        assertThat(DeployFiles.exposedPorts()).contains(Integer.parseInt(port));
        assertThat(DeployFiles.copyDestination("plugins/metrics-prometheus/"))
                .isEqualTo("/opt/flink/plugins/metrics-prometheus/");
        Container main = mainContainer();
        assertThat(main.getPorts()).extracting(ContainerPort::getContainerPort).contains(Integer.parseInt(port));
        assertThat(spec.getPodTemplate().getMetadata().getAnnotations()).containsEntry("prometheus.io/port", port);
    }

    @Test
    void jobSettingsAreValidForTheJob() {
        // what RunCommand does with Flink's configuration and the arguments after "run"
        Map<String, String> flags = new HashMap<>();
        List<String> args = List.of(spec.getJob().getArgs());
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            assertThat(arg).startsWith("--");
            String name = arg.substring(2);
            String value;
            if (name.contains("=")) {
                value = name.substring(name.indexOf('=') + 1);
                name = name.substring(0, name.indexOf('='));
            } else {
                value = args.get(++i);
            }
            flags.put(name.startsWith("kafka.") ? name : "sentiment." + name, value);
        }
        JobConfig config = JobConfig.from(flinkConf, flags).requireBootstrapServers();
        assertThat(config.get(KafkaOptions.DELIVERY_GUARANTEE))
                .isEqualTo(org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(flinkConf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isLessThan(config.get(KafkaOptions.TRANSACTION_TIMEOUT));
        assertThat(config.redacted().toString()).doesNotContain("CHANGE-ME-password");
    }

    @Test
    void kafkaCredentialsComeFromTheSecretThroughEnvironmentVariables() throws Exception {
        Secret secret = Manifests.parse(DeployFiles.read(DeployFiles.KAFKA_SECRET), Secret.class);
        Map<String, String> keys = new TreeMap<>();
        if (secret.getStringData() != null) {
            keys.putAll(secret.getStringData());
        }
        if (secret.getData() != null) {
            keys.putAll(secret.getData());
        }

        String jaas = spec.getFlinkConfiguration().get("kafka.sasl.jaas.config");
        Matcher refs = Pattern.compile("\\$\\{env:([A-Z0-9_]+)}").matcher(jaas);
        List<String> referenced = new ArrayList<>();
        while (refs.find()) {
            referenced.add(refs.group(1));
        }
        assertThat(referenced).containsExactly("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD");
        Pattern allowed =
                Pattern.compile(spec.getFlinkConfiguration().get("kafka.config.providers.env.param.allowlist.pattern"));
        for (String name : referenced) {
            assertThat(allowed.matcher(name).matches()).as(name + " allowed").isTrue();
            EnvVar env = mainContainer().getEnv().stream()
                    .filter(e -> e.getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the pod template does not set " + name));
            assertThat(env.getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo(secret.getMetadata().getName());
            assertThat(keys).containsKey(env.getValueFrom().getSecretKeyRef().getKey());
        }

        // The Kafka clients resolve them: this JVM has the variables (surefire sets them, as the pod does).
        assertThat(System.getenv("KAFKA_SASL_USERNAME")).isEqualTo("deploy-test-user");
        Properties props = JobConfig.from(flinkConf, Map.of()).kafkaProperties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        ProducerConfig resolved = new ProducerConfig(props);
        assertThat(resolved.getPassword(SaslConfigs.SASL_JAAS_CONFIG).value())
                .contains("username=\"deploy-test-user\"")
                .contains("password=\"deploy-test-password\"")
                .doesNotContain("${env:");
        // and a client starts with them (JAAS parsed, SCRAM login module loaded; nothing is sent)
        try (KafkaProducer<byte[], byte[]> producer = KafkaProducers.bytes("localhost:9", props)) {
            assertThat(producer.metrics()).isNotEmpty();
        }
    }

    @Test
    void unknownFieldsFail() {
        // a misspelt operator field
        String badSpec = yaml.replace("    upgradeMode: last-state", "    upgradeMod: last-state");
        assertThat(badSpec).isNotEqualTo(yaml);
        assertThatThrownBy(() -> Manifests.parse(badSpec, FlinkDeployment.class))
                .isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("upgradeMod");
        // a misspelt Kubernetes field inside the pod template (fabric8 would keep it in additionalProperties)
        String badPod = yaml.replaceFirst("secretKeyRef:", "secretKeyref:");
        assertThat(badPod).isNotEqualTo(yaml);
        assertThatThrownBy(() -> Manifests.parse(badPod, FlinkDeployment.class))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("secretKeyref");
        // an unknown enum value
        String badMode = yaml.replace("upgradeMode: last-state", "upgradeMode: latest-state");
        assertThatThrownBy(() -> Manifests.parse(badMode, FlinkDeployment.class))
                .isInstanceOf(InvalidFormatException.class);
        String badVersion = yaml.replaceFirst("flinkVersion: v2_\\d+", "flinkVersion: 2.2");
        assertThatThrownBy(() -> Manifests.parse(badVersion, FlinkDeployment.class))
                .isInstanceOf(InvalidFormatException.class);
    }

    private static Container mainContainer() {
        return spec.getPodTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("flink-main-container"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no flink-main-container in the pod template"));
    }

    private static java.nio.file.Path Path(String first) {
        return java.nio.file.Path.of(first);
    }
}
