package org.sentimentstream.testcontainers;

import org.sentimentstream.embedded.Topics;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A secured single-node KRaft broker, set up as a production cluster is: clients reach it only through SASL_SSL
 * listeners (from the host, and as {@link #IN_NETWORK} on the tests' network), TLS with certificates made for this
 * run by {@code keytool} (a CA, the broker's certificate signed by it, the clients' truststore), SASL/SCRAM-SHA-512
 * for applications, the StandardAuthorizer with no access where no ACL allows it, and a super user ({@code admin},
 * SASL/PLAIN, its password only in the broker's own JAAS configuration) for the test's administration: it creates
 * the SCRAM users and grants their ACLs. Between broker and controller, SASL_PLAINTEXT as the same super user, on
 * listeners no test client uses.
 */
final class SecuredKafka implements AutoCloseable {

    /** Where containers on the tests' network reach the broker (SASL_SSL). */
    static final String IN_NETWORK = "kafka:19092";

    static final String ADMIN = "admin";
    private static final String SCRAM = "SCRAM-SHA-512";
    private static final String BROKER_KEYSTORE = "/etc/kafka/secrets/broker.p12";

    final KafkaContainer container;
    /** The clients' truststore (PKCS12), holding this run's CA; and one holding another CA only. */
    final Path truststore;

    final Path untrustingTruststore;
    /** Passwords of this run only. */
    final String storePassword = "store-" + UUID.randomUUID();

    private final String adminPassword = "admin-" + UUID.randomUUID();

    private SecuredKafka(Network network, Path dir) {
        try {
            Files.createDirectories(dir);
            Certificates certificates = new Certificates(dir, storePassword);
            Path brokerKeystore = certificates.brokerKeystore(
                    "kafka", "localhost", DockerClientFactory.instance().dockerHostIpAddress());
            this.truststore = certificates.truststore("truststore.p12");
            this.untrustingTruststore =
                    new Certificates(dir.resolve("other-ca"), storePassword).truststore("untrusting-truststore.p12");
            this.container = new SaslSslKafkaContainer()
                    .withNetwork(network)
                    .withListener(IN_NETWORK)
                    .withCopyFileToContainer(MountableFile.forHostPath(brokerKeystore, 0644), BROKER_KEYSTORE)
                    .withEnv(brokerSettings())
                    .withStartupTimeout(Duration.ofMinutes(3))
                    .withLogConsumer(Containers.logFile("kafka-secured"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes this run's certificates under {@code dir} and starts the broker. */
    static SecuredKafka start(Network network, Path dir) {
        SecuredKafka kafka = new SecuredKafka(network, dir);
        kafka.container.start();
        return kafka;
    }

    /** KAFKA_* settings of the broker, in the images' contract (KAFKA_FOO_BAR is foo.bar, ___ is '-'). */
    private Map<String, String> brokerSettings() {
        String plain = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                + "\" password=\"" + adminPassword + "\" user_" + ADMIN + "=\"" + adminPassword + "\";";
        String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        env.put("KAFKA_SUPER_USERS", "User:" + ADMIN);
        env.put("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false");
        env.put("KAFKA_SASL_ENABLED_MECHANISMS", "PLAIN," + SCRAM);
        env.put("KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL", "PLAIN");
        env.put("KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL", "PLAIN");
        // listener names: BROKER and CONTROLLER (internal), PLAINTEXT (the host's, despite its name) and TC-0
        for (String listener : List.of("BROKER", "CONTROLLER", "PLAINTEXT", "TC___0")) {
            env.put("KAFKA_LISTENER_NAME_" + listener + "_PLAIN_SASL_JAAS_CONFIG", plain);
        }
        for (String internal : List.of("BROKER", "CONTROLLER")) {
            env.put("KAFKA_LISTENER_NAME_" + internal + "_SASL_ENABLED_MECHANISMS", "PLAIN");
        }
        for (String listener : List.of("PLAINTEXT", "TC___0")) {
            env.put("KAFKA_LISTENER_NAME_" + listener + "_SCRAM___SHA___512_SASL_JAAS_CONFIG", scram);
        }
        env.put("KAFKA_SSL_KEYSTORE_LOCATION", BROKER_KEYSTORE);
        env.put("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12");
        env.put("KAFKA_SSL_KEYSTORE_PASSWORD", storePassword);
        env.put("KAFKA_SSL_KEY_PASSWORD", storePassword);
        env.put("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "1");
        return env;
    }

    /** Testcontainers' Kafka container with its client listeners on SASL_SSL and its internal ones on SASL. */
    private static final class SaslSslKafkaContainer extends KafkaContainer {
        SaslSslKafkaContainer() {
            super(ContainerImages.kafka());
        }

        @Override
        protected void configure() {
            super.configure();
            String map = Arrays.stream(getEnvMap()
                            .get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")
                            .split(","))
                    .map(entry -> {
                        String name = entry.substring(0, entry.indexOf(':'));
                        return name + ":"
                                + (name.equals("BROKER") || name.equals("CONTROLLER") ? "SASL_PLAINTEXT" : "SASL_SSL");
                    })
                    .collect(Collectors.joining(","));
            getEnvMap().put("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", map);
        }
    }

    /** host:port of the SASL_SSL listener for clients on this machine. */
    String bootstrapServers() {
        return container.getBootstrapServers();
    }

    /** The super user's client settings, from this machine. */
    Map<String, String> adminProperties() {
        Map<String, String> p = tls(truststore);
        p.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        p.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + adminPassword + "\";");
        return p;
    }

    /** A SCRAM user's client settings, from this machine, trusting the brokers through {@code truststore}. */
    Map<String, String> scramProperties(String user, String password, Path truststore) {
        Map<String, String> p = tls(truststore);
        p.put(SaslConfigs.SASL_MECHANISM, SCRAM);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, scramJaas(user, password));
        return p;
    }

    static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    private Map<String, String> tls(Path truststore) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, storePassword);
        return p;
    }

    Admin admin() {
        return Topics.admin(bootstrapServers(), adminProperties());
    }

    /** Creates (or resets) a SCRAM-SHA-512 user. */
    void createUser(String user, String password) throws Exception {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                    .all()
                    .get(1, TimeUnit.MINUTES);
        }
    }

    /** One ACL: {@code principal} may do {@code operation} on the resource. */
    static AclBinding allow(String user, AclOperation operation, ResourceType type, String name, PatternType pattern) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    void grant(List<AclBinding> acls) throws Exception {
        try (Admin admin = admin()) {
            admin.createAcls(acls).all().get(1, TimeUnit.MINUTES);
        }
    }

    @Override
    public void close() {
        container.stop();
    }

    /** A CA made with the JDK's keytool, and what it signs. */
    static final class Certificates {
        private final Path dir;
        private final String password;
        private final Path caKeystore;
        private final Path caCertificate;

        Certificates(Path dir, String password) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.password = password;
            this.caKeystore = dir.resolve("ca.p12");
            this.caCertificate = dir.resolve("ca.pem");
            keytool(
                    "-genkeypair",
                    "-alias",
                    "ca",
                    "-dname",
                    "CN=sentiment-stream test CA " + dir.getFileName(),
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "2",
                    "-ext",
                    "bc:c",
                    "-keystore",
                    caKeystore.toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    password);
            keytool(
                    "-exportcert",
                    "-rfc",
                    "-alias",
                    "ca",
                    "-keystore",
                    caKeystore.toString(),
                    "-storepass",
                    password,
                    "-file",
                    caCertificate.toString());
        }

        /** A PKCS12 keystore with the broker's key and its certificate for {@code names}, signed by this CA. */
        Path brokerKeystore(String... names) throws IOException {
            Path keystore = dir.resolve("broker.p12");
            Path request = dir.resolve("broker.csr");
            Path certificate = dir.resolve("broker.pem");
            List<String> san = new ArrayList<>();
            for (String name : names) {
                san.add((name.matches("[0-9.]+") ? "ip:" : "dns:") + name);
            }
            keytool(
                    "-genkeypair",
                    "-alias",
                    "broker",
                    "-dname",
                    "CN=kafka",
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "2",
                    "-keystore",
                    keystore.toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    password);
            keytool(
                    "-certreq",
                    "-alias",
                    "broker",
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    password,
                    "-file",
                    request.toString());
            keytool(
                    "-gencert",
                    "-rfc",
                    "-alias",
                    "ca",
                    "-keystore",
                    caKeystore.toString(),
                    "-storepass",
                    password,
                    "-infile",
                    request.toString(),
                    "-outfile",
                    certificate.toString(),
                    "-validity",
                    "2",
                    "-ext",
                    "SAN=" + String.join(",", san));
            keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "ca",
                    "-file",
                    caCertificate.toString(),
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    password);
            keytool(
                    "-importcert",
                    "-alias",
                    "broker",
                    "-file",
                    certificate.toString(),
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    password);
            return keystore;
        }

        /** A PKCS12 truststore holding this CA's certificate only. */
        Path truststore(String name) throws IOException {
            Path truststore = dir.resolve(name);
            keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "kafka-ca",
                    "-file",
                    caCertificate.toString(),
                    "-keystore",
                    truststore.toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    password);
            return truststore;
        }

        private static void keytool(String... args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
            command.addAll(List.of(args));
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (process.waitFor() != 0) {
                    throw new IOException("keytool " + args[0] + " failed: " + output);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
