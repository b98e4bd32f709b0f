package org.sentimentstream.testcontainers;

import org.sentimentstream.testcontainers.FlinkSurfaces.Surface;
import org.sentimentstream.testcontainers.InProcessRun.Exit;
import org.sentimentstream.testcontainers.ReviewRecords.Review;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job against a secured broker ({@link SecuredKafka}: SASL_SSL with SCRAM-SHA-512, TLS certificates made for
 * the run, the StandardAuthorizer) as a least-privilege principal: exactly-once on a Flink session cluster, its
 * password given through Kafka's config providers, and nowhere to be found in what the cluster shows; and every
 * way the job's credentials or permissions fall short stops it at start, exit code 2, with the setting or
 * permission and the fix, before anything is consumed or written.
 */
class SecuredKafkaITCase {

    private static final Logger LOG = LoggerFactory.getLogger(SecuredKafkaITCase.class);
    private static final int SLOTS = 2;
    private static final int RECORDS = 50;
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(3);

    /** Where the Flink processes find the job's secrets: a file (as a mounted Secret) and an environment variable. */
    private static final String SECRETS_DIR = "/opt/sentiment/secrets";

    private static final String TRUSTSTORE_PASSWORD_ENV = "SENTIMENT_KAFKA_TRUSTSTORE_PASSWORD";

    @TempDir
    static Path temp;

    private static Network network;
    private static SecuredKafka kafka;
    private static FlinkSessionCluster flink;
    /** The job's password on the cluster runs: in a file that only the Flink processes read. */
    private static final String JOB_PASSWORD = "job-pw-" + UUID.randomUUID();

    @BeforeAll
    static void startContainers() throws Exception {
        network = Network.newNetwork();
        kafka = SecuredKafka.start(network, temp.resolve("tls"));
        Path secretFile = temp.resolve("kafka-client.properties");
        Files.writeString(secretFile, "password=" + JOB_PASSWORD + "\n", StandardCharsets.UTF_8);
        flink = new FlinkSessionCluster(network, SLOTS)
                .withFile(kafka.truststore, SECRETS_DIR + "/truststore.p12")
                .withFile(secretFile, SECRETS_DIR + "/kafka-client.properties")
                .withEnv(TRUSTSTORE_PASSWORD_ENV, kafka.storePassword)
                .start();
        flink.startTaskManager();
    }

    @AfterAll
    static void stopContainers() {
        if (flink != null) {
            flink.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (network != null) {
            network.close();
        }
    }

    /**
     * What the job needs, as docs/security.md lists it; {@code without} leaves one grant out, some of them for
     * DESCRIBE only (the broker then shows the resource but not the operation), the others for nothing at all.
     */
    private static List<AclBinding> leastPrivilege(String user, KafkaTopics topics, String group, Grant without) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(SecuredKafka.allow(
                user,
                without == Grant.READ_INPUT ? AclOperation.DESCRIBE : AclOperation.READ,
                ResourceType.TOPIC,
                topics.input,
                PatternType.LITERAL));
        acls.add(SecuredKafka.allow(
                user,
                without == Grant.READ_GROUP ? AclOperation.DESCRIBE : AclOperation.READ,
                ResourceType.GROUP,
                group,
                PatternType.LITERAL));
        if (without != Grant.WRITE_OUTPUT) {
            acls.add(SecuredKafka.allow(
                    user, AclOperation.WRITE, ResourceType.TOPIC, topics.output, PatternType.LITERAL));
        }
        acls.add(SecuredKafka.allow(
                user,
                without == Grant.WRITE_DLQ ? AclOperation.DESCRIBE : AclOperation.WRITE,
                ResourceType.TOPIC,
                topics.deadLetters,
                PatternType.LITERAL));
        if (without != Grant.TRANSACTIONAL_IDS) {
            acls.add(SecuredKafka.allow(
                    user, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, group, PatternType.PREFIXED));
        }
        return acls;
    }

    /** The grants of {@link #leastPrivilege}. */
    enum Grant {
        NONE,
        READ_INPUT,
        READ_GROUP,
        WRITE_OUTPUT,
        WRITE_DLQ,
        TRANSACTIONAL_IDS
    }

    /** A reader of the outputs: another principal, READ on the two output topics only. */
    private static Map<String, String> reader(KafkaTopics topics) throws Exception {
        String user = "reader-" + topics.suffix;
        String password = "reader-pw-" + UUID.randomUUID();
        kafka.createUser(user, password);
        kafka.grant(List.of(
                SecuredKafka.allow(user, AclOperation.READ, ResourceType.TOPIC, topics.output, PatternType.LITERAL),
                SecuredKafka.allow(
                        user, AclOperation.READ, ResourceType.TOPIC, topics.deadLetters, PatternType.LITERAL)));
        return kafka.scramProperties(user, password, kafka.truststore);
    }

    /**
     * The job's Kafka settings on the cluster, each secret through a config provider: the password from a file,
     * the truststore's password from an environment variable.
     */
    private static List<String> securedArguments(String user) {
        return List.of(
                "--kafka.security.protocol=SASL_SSL",
                "--kafka.sasl.mechanism=SCRAM-SHA-512",
                "--kafka.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"" + user + "\" password=\"${file:" + SECRETS_DIR
                        + "/kafka-client.properties:password}\";",
                "--kafka.ssl.truststore.location=" + SECRETS_DIR + "/truststore.p12",
                "--kafka.ssl.truststore.type=PKCS12",
                "--kafka.ssl.truststore.password=${env:" + TRUSTSTORE_PASSWORD_ENV + "}",
                "--kafka.config.providers=file,env",
                "--kafka.config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                "--kafka.config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aLeastPrivilegeJobDeliversExactlyOnceAndItsSecretsStayOutOfSight() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers(), kafka.adminProperties(), SLOTS);
        List<Review> reviews = ReviewRecords.generate("sec-", 2000, 25);
        topics.produce(reviews);
        String user = "job-" + topics.suffix;
        kafka.createUser(user, JOB_PASSWORD);
        String name = "secured";
        kafka.grant(leastPrivilege(user, topics, name + "-" + topics.suffix, Grant.NONE));

        List<String> args = new ArrayList<>(JobArguments.run(topics, name));
        args.addAll(securedArguments(user));
        String jarId = flink.rest().uploadJar(FlinkSessionCluster.clusterJobJar());
        String jobId = flink.rest().runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, args, SLOTS);
        flink.rest().awaitAllTasksRunning(jobId, Duration.ofMinutes(2));

        KafkaTopics asReader = topics.as(reader(topics));
        int expectedScored = (int) reviews.stream().filter(Review::scored).count();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                asReader.readCommitted(topics.output, expectedScored, READ_TIMEOUT);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters =
                asReader.readCommitted(topics.deadLetters, reviews.size() - expectedScored, READ_TIMEOUT);
        DeliveryCheck.Tally tally = DeliveryCheck.tally(reviews, scored, deadLetters);
        LOG.info("Secured job {}: {}", jobId, tally);
        assertThat(flink.rest().failures(jobId))
                .as("failures of a failure-free run: %s", flink.rest().get("/jobs/" + jobId + "/exceptions"))
                .isZero();
        DeliveryCheck.assertExactlyOnce(reviews, topics, scored, deadLetters);
        SecurityReport.record(
                "01 least privilege, exactly-once, session cluster",
                "every record once, read_committed by another principal",
                tally + "; no restart");

        Map<String, Surface> surfaces = FlinkSurfaces.of(flink, jobId);
        assertSearched(surfaces, jobId);
        assertThat(surfaces.get("docker logs jobmanager").text())
                .as("the job's own log line of its settings, secrets masked (the search reads the right log)")
                .contains("Starting sentiment-stream with")
                .contains("kafka.sasl.jaas.config=******");
        assertNeitherPasswordIn(surfaces, JOB_PASSWORD);
        SecurityReport.record(
                "02 secrets by config provider (${file:...}, ${env:...})",
                "the password in none of " + surfaces.size() + " surfaces",
                "found in none: " + searchedSummary(surfaces));

        flink.rest().cancel(jobId, Duration.ofMinutes(1));
    }

    /**
     * The naive form, the password written into the job's arguments: the job masks it in its own log, and a
     * session cluster that got it through {@code POST /jars/{id}/run} shows it nowhere either.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aPasswordOnTheCommandLineOfARestSubmissionStaysOutOfSight() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers(), kafka.adminProperties(), SLOTS);
        List<Review> reviews = ReviewRecords.generate("cli-", 200, 25);
        topics.produce(reviews);
        String user = "job-" + topics.suffix;
        String password = "cli-pw-" + UUID.randomUUID();
        kafka.createUser(user, password);
        String name = "cli";
        kafka.grant(leastPrivilege(user, topics, name + "-" + topics.suffix, Grant.NONE));

        List<String> args = new ArrayList<>(JobArguments.run(topics, name));
        args.addAll(List.of(
                "--kafka.security.protocol=SASL_SSL",
                "--kafka.sasl.mechanism=SCRAM-SHA-512",
                "--kafka.sasl.jaas.config=" + SecuredKafka.scramJaas(user, password),
                "--kafka.ssl.truststore.location=" + SECRETS_DIR + "/truststore.p12",
                "--kafka.ssl.truststore.type=PKCS12",
                "--kafka.ssl.truststore.password=" + kafka.storePassword));
        String jarId = flink.rest().uploadJar(FlinkSessionCluster.clusterJobJar());
        String jobId = flink.rest().runJar(jarId, FlinkSessionCluster.ENTRY_CLASS, args, SLOTS);
        flink.rest().awaitAllTasksRunning(jobId, Duration.ofMinutes(2));
        KafkaTopics asReader = topics.as(reader(topics));
        int expectedScored = (int) reviews.stream().filter(Review::scored).count();
        Map<String, List<ConsumerRecord<byte[], byte[]>>> scored =
                asReader.readCommitted(topics.output, expectedScored, READ_TIMEOUT);
        assertThat(scored).as("scored with the password from the command line").hasSize(expectedScored);

        Map<String, Surface> surfaces = FlinkSurfaces.of(flink, jobId);
        assertSearched(surfaces, jobId);
        assertNeitherPasswordIn(surfaces, password);
        SecurityReport.record(
                "02b password as a program argument, REST submission",
                "the password in none of " + surfaces.size() + " surfaces",
                "found in none: " + searchedSummary(surfaces));
        flink.rest().cancel(jobId, Duration.ofMinutes(1));
    }

    /**
     * Application mode, as {@code standalone-job} and the Kubernetes operator run the job, with the password written
     * as a program argument: Flink 2.2 masks arguments that look secret in its start-up log and shows none in its
     * REST API, but the arguments are the JobManager process's command line, which whoever may list its processes or
     * inspect its container (or pod) reads. This pins down what docs/security.md says of it.
     */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void inApplicationModeTheProgramArgumentsAreTheProcessCommandLine() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers(), kafka.adminProperties(), 1);
        String user = "job-" + topics.suffix;
        String password = "app-pw-" + UUID.randomUUID();
        kafka.createUser(user, password);
        String name = "app";
        kafka.grant(leastPrivilege(user, topics, name + "-" + topics.suffix, Grant.NONE));
        List<String> args = new ArrayList<>(JobArguments.run(topics, name));
        args.addAll(List.of(
                "--kafka.security.protocol=SASL_SSL",
                "--kafka.sasl.mechanism=SCRAM-SHA-512",
                "--kafka.sasl.jaas.config=" + SecuredKafka.scramJaas(user, password),
                "--kafka.ssl.truststore.location=" + SECRETS_DIR + "/truststore.p12",
                "--kafka.ssl.truststore.type=PKCS12",
                "--kafka.ssl.truststore.password=${env:" + TRUSTSTORE_PASSWORD_ENV + "}",
                "--kafka.config.providers=env",
                "--kafka.config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider"));
        try (FlinkSessionCluster application = new FlinkSessionCluster(network, 1)
                .withFile(kafka.truststore, SECRETS_DIR + "/truststore.p12")
                .withEnv(TRUSTSTORE_PASSWORD_ENV, kafka.storePassword)
                .asApplicationCluster("app-jobmanager", args)
                .start()) {
            String jobId = awaitJob(application.rest(), Duration.ofMinutes(2));
            Map<String, Surface> surfaces = FlinkSurfaces.of(application, jobId);
            String log = surfaces.get("docker logs app-jobmanager").text();
            assertThat(log)
                    .as("the job's start-up checks passed and it logged its settings (the right log is searched)")
                    .contains("Starting sentiment-stream with")
                    .contains(" Program Arguments:")
                    .contains("****** (sensitive information)");
            assertThat(FlinkSurfaces.containing(surfaces, password))
                    .as("Flink surfaces showing a password given as an argument")
                    .isEmpty();
            String commandLines = application
                    .jobManager()
                    .execInContainer("sh", "-c", "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f; echo; done")
                    .getStdout();
            assertThat(commandLines).as("the JobManager's process command line").contains(password);
            String[] containerCommand = DockerClientFactory.instance()
                    .client()
                    .inspectContainerCmd(application.jobManager().getContainerId())
                    .exec()
                    .getConfig()
                    .getCmd();
            assertThat(String.join(" ", containerCommand))
                    .as("the container's command (docker inspect)")
                    .contains(password);
            assertThat(FlinkSurfaces.containing(surfaces, kafka.storePassword) + commandLines)
                    .as("the truststore's password, given by ${env:...}, in neither")
                    .doesNotContain(kafka.storePassword);
            SecurityReport.record(
                    "02c password as a program argument, application mode (standalone-job)",
                    "not in Flink's logs or REST API; in the process command line",
                    "in none of " + surfaces.size() + " Flink surfaces (its start-up log prints '****** (sensitive"
                            + " information)' for it); in the JobManager's /proc/<pid>/cmdline (ps) and the"
                            + " container's command (docker inspect). The ${env:...} secret in neither");
        }
    }

    private static String awaitJob(FlinkRestClient rest, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode jobs = rest.get("/jobs/overview").get("jobs");
            if (jobs.size() > 0) {
                return jobs.get(0).get("jid").asText();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no job on the application cluster after " + timeout);
            }
            Thread.sleep(500);
        }
    }

    /** The search covered the surfaces that matter, and they were served. */
    /** Neither the job's password nor the truststore's on any of the surfaces. */
    private static void assertNeitherPasswordIn(Map<String, Surface> surfaces, String password) {
        assertThat(FlinkSurfaces.containing(surfaces, password))
                .as("surfaces showing the job's password")
                .isEmpty();
        assertThat(FlinkSurfaces.containing(surfaces, kafka.storePassword))
                .as("surfaces showing the truststore's password")
                .isEmpty();
    }

    private static void assertSearched(Map<String, Surface> surfaces, String jobId) {
        for (String path : List.of(
                "/jobs/" + jobId + "/config",
                "/jobs/" + jobId + "/plan",
                "/jobmanager/config",
                "/jobs/" + jobId + "/exceptions",
                "/",
                "docker logs jobmanager",
                "docker logs taskmanager-1")) {
            assertThat(surfaces.get(path)).as(path).isNotNull();
            assertThat(surfaces.get(path).status()).as("status of %s", path).isEqualTo(200);
            assertThat(surfaces.get(path).text()).as(path).isNotBlank();
        }
        long metrics = surfaces.values().stream()
                .filter(s -> s.name().contains("/metrics ("))
                .mapToLong(s -> s.text().lines().count())
                .sum();
        assertThat(metrics).as("metric lines searched").isGreaterThan(100);
    }

    private static String searchedSummary(Map<String, Surface> surfaces) {
        long served = surfaces.values().stream().filter(s -> s.status() == 200).count();
        List<String> notServed = surfaces.values().stream()
                .filter(s -> s.status() != 200)
                .map(s -> s.name()
                                .replaceAll("[0-9a-f]{32}", "{id}")
                                .replaceAll("/taskmanagers/[^/]+/", "/taskmanagers/{tm}/")
                        + " (HTTP " + s.status() + ")")
                .toList();
        return served + " served (REST: job, config, plan, exceptions, JobManager and TaskManager configuration,"
                + " environment, logs and every metric with its value; docker logs of both processes)"
                + (notServed.isEmpty() ? "" : "; not served here: " + String.join(", ", notServed));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Failures at start

    /** Each way the job's credentials, trust or permissions fall short. */
    enum Fault {
        WRONG_PASSWORD("--kafka.sasl.jaas.config", "refused to authenticate"),
        UNKNOWN_USER("--kafka.sasl.jaas.config", "refused to authenticate"),
        UNTRUSTED_CERTIFICATE("--kafka.ssl.truststore.location", "does not trust the broker's certificate"),
        NO_READ_ON_INPUT("--input-topic", "may not READ topic"),
        NO_READ_ON_GROUP("--group-id", "may not READ consumer group"),
        NO_WRITE_ON_OUTPUT("--output-topic", "may not WRITE topic"),
        NO_WRITE_ON_DLQ("--dlq-topic", "may not WRITE topic"),
        NO_TRANSACTIONAL_IDS("--transactional-id-prefix", "may not use the transactional ids");

        final String flag;
        final String problem;

        Fault(String flag, String problem) {
            this.flag = flag;
            this.problem = problem;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Fault.class)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aShortfallStopsTheJobAtStartWithTheFix(Fault fault) throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers(), kafka.adminProperties(), 1);
        topics.produce(ReviewRecords.generate("f", RECORDS, 10));
        String user = "job-" + topics.suffix;
        String password = "pw-" + UUID.randomUUID();
        String group = "fault-" + topics.suffix;
        if (fault != Fault.UNKNOWN_USER) {
            kafka.createUser(user, password);
        }
        Grant without = switch (fault) {
            case NO_READ_ON_INPUT -> Grant.READ_INPUT;
            case NO_READ_ON_GROUP -> Grant.READ_GROUP;
            case NO_WRITE_ON_OUTPUT -> Grant.WRITE_OUTPUT;
            case NO_WRITE_ON_DLQ -> Grant.WRITE_DLQ;
            case NO_TRANSACTIONAL_IDS -> Grant.TRANSACTIONAL_IDS;
            default -> Grant.NONE;
        };
        kafka.grant(leastPrivilege(user, topics, group, without));
        String given = fault == Fault.WRONG_PASSWORD ? "wrong-" + password : password;
        Map<String, String> client = kafka.scramProperties(
                user, given, fault == Fault.UNTRUSTED_CERTIFICATE ? kafka.untrustingTruststore : kafka.truststore);

        long start = System.nanoTime();
        Exit exit = run(topics, "fault", client);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(exit.code()).as(exit.err()).isEqualTo(2);
        assertThat(exit.err())
                .contains("Invalid option '" + fault.flag + "'")
                .contains(fault.problem)
                .contains("Fix:")
                .doesNotContain(given)
                .doesNotContain(password);
        switch (fault) {
            case WRONG_PASSWORD, UNKNOWN_USER -> assertThat(exit.err()).contains("User:" + user);
            case UNTRUSTED_CERTIFICATE -> assertThat(exit.err()).contains("keytool -importcert");
            case NO_READ_ON_INPUT ->
                assertThat(exit.err())
                        .contains("--allow-principal User:" + user + " --operation Read --topic " + topics.input);
            case NO_READ_ON_GROUP ->
                assertThat(exit.err())
                        .contains("--allow-principal User:" + user + " --operation Read --group " + group);
            case NO_WRITE_ON_OUTPUT ->
                assertThat(exit.err())
                        .contains("--allow-principal User:" + user + " --operation Write --topic " + topics.output);
            case NO_WRITE_ON_DLQ ->
                assertThat(exit.err())
                        .contains("--allow-principal User:" + user + " --operation Write --topic " + topics.deadLetters)
                        .contains("restart forever at the first record that cannot be scored");
            case NO_TRANSACTIONAL_IDS ->
                assertThat(exit.err())
                        .contains("--allow-principal User:" + user + " --operation Write --transactional-id " + group
                                + " --resource-pattern-type prefixed");
            default -> throw new IllegalArgumentException(fault.name());
        }
        assertNothingConsumedOrWritten(topics, group);
        String message = exit.err()
                .lines()
                .filter(l -> l.contains("Invalid option"))
                .findFirst()
                .orElse(exit.err());
        SecurityReport.record(
                String.format(
                        "%02d %s",
                        3 + fault.ordinal(),
                        fault.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')),
                "exit 2 before consuming; no offsets, outputs empty",
                "exit " + exit.code() + " in " + millis + " ms, nothing consumed or written: "
                        + message.substring(0, Math.min(message.length(), 160)) + "...");
    }

    /** The job jar's {@code run} as {@code flink run} would call it, from this machine. */
    private static Exit run(KafkaTopics topics, String name, Map<String, String> client) {
        List<String> args = new ArrayList<>(JobArguments.run(topics, name));
        args.set(args.indexOf("--bootstrap-servers") + 1, kafka.bootstrapServers());
        args.set(
                args.indexOf("--model") + 1,
                org.sentimentstream.testing.TestModels.tinyModelDir().toString());
        client.forEach((key, value) -> args.add("--kafka." + key + "=" + value));
        return InProcessRun.execute(args);
    }

    /** No offset committed by the job's group, nothing in its output or dead-letter topic. */
    private static void assertNothingConsumedOrWritten(KafkaTopics topics, String group) throws Exception {
        try (Admin admin = topics.admin()) {
            Map<?, ?> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            assertThat(offsets).as("offsets committed by the job's group").isEmpty();
        }
        assertThat(topics.countCommitted(topics.input))
                .as("the input held records to consume")
                .isEqualTo(RECORDS);
        assertThat(topics.countCommitted(topics.output)).as("outputs").isZero();
        assertThat(topics.countCommitted(topics.deadLetters)).as("dead letters").isZero();
    }
}
