package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.KafkaOptions;
import org.sentimentstream.job.config.ModelControlOptions;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.ModelResolver;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SentimentScorer;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the job needs from outside, checked before it is submitted: a broker that answers, trusts and authenticates
 * the job; an input topic (and a model control topic, if set) that exists; the permissions (ACLs) the job needs: READ
 * on the input topic, its group and the control topic,
 * WRITE on the output and dead-letter topics and, for exactly-once, on its transactional ids; and a model that
 * keeps the model contract. A job that fails these later would restart in a loop on its TaskManagers instead of
 * stopping with the fix (without WRITE on the dead-letter topic, only at the first malformed record); checked here,
 * nothing is consumed, committed or written. Messages name settings and principals, never a setting's value.
 */
public final class StartupChecks {

    private static final Logger LOG = LoggerFactory.getLogger(StartupChecks.class);
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private StartupChecks() {}

    /** Throws an {@link InvalidSettingException} naming the setting and the fix for the first check that fails. */
    public static void run(JobConfig config) {
        kafka(config, KAFKA_TIMEOUT);
        model(config.inference());
    }

    static void kafka(JobConfig config, Duration timeout) {
        Properties props = clientProperties(config, timeout);
        try (Admin admin = createAdmin(config, props, timeout)) {
            Access access = new Access(config);
            String input = config.get(KafkaOptions.INPUT_TOPIC);
            access.requireOnTopic(
                    KafkaOptions.INPUT_TOPIC,
                    input,
                    AclOperation.READ,
                    describeTopic(admin, config, KafkaOptions.INPUT_TOPIC, input, timeout));
            Optional<String> control = config.getOptional(ModelControlOptions.MODEL_CONTROL_TOPIC);
            if (control.isPresent()) {
                access.requireOnTopic(
                        ModelControlOptions.MODEL_CONTROL_TOPIC,
                        control.get(),
                        AclOperation.READ,
                        describeTopic(admin, config, ModelControlOptions.MODEL_CONTROL_TOPIC, control.get(), timeout));
            }
            String group = config.get(KafkaOptions.GROUP_ID);
            access.requireOnGroup(group, describeGroup(admin, config, group, timeout));
            for (ConfigOption<String> output : List.of(KafkaOptions.OUTPUT_TOPIC, KafkaOptions.DLQ_TOPIC)) {
                String topic = config.get(output);
                Set<AclOperation> ops = describeOutputTopic(admin, config, output, topic, timeout);
                if (ops != null) {
                    access.requireOnTopic(output, topic, AclOperation.WRITE, ops);
                }
            }
        }
        if (config.get(KafkaOptions.DELIVERY_GUARANTEE) == DeliveryGuarantee.EXACTLY_ONCE) {
            transactionalIds(config, props, timeout);
        }
    }

    /**
     * The job's Kafka client properties (config providers included: the clients resolve {@code ${file:...}} and
     * {@code ${env:...}} themselves) for the checks' own clients.
     */
    private static Properties clientProperties(JobConfig config, Duration timeout) {
        Properties props = config.kafkaProperties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(KafkaOptions.BOOTSTRAP_SERVERS));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        return props;
    }

    private static Admin createAdmin(JobConfig config, Properties props, Duration timeout) {
        try {
            return Admin.create(props);
        } catch (KafkaException e) { // e.g. a truststore that cannot be read, or a config provider's missing file
            throw failure(config, timeout, e);
        }
    }

    /** The caller's authorized operations on a topic the job reads (input, model control), which must exist. */
    private static Set<AclOperation> describeTopic(
            Admin admin, JobConfig config, ConfigOption<String> option, String topic, Duration timeout) {
        TopicAccess access = authorizedOperations(admin, config, topic, timeout);
        if (!access.exists()) {
            String partitions =
                    option == ModelControlOptions.MODEL_CONTROL_TOPIC ? "1 --config retention.ms=-1" : "<n>";
            throw new InvalidSettingException(
                    option,
                    "topic '" + topic + "' does not exist on " + config.get(KafkaOptions.BOOTSTRAP_SERVERS),
                    "create it (kafka-topics.sh --create --topic " + topic + " --partitions " + partitions + ") or"
                            + " name an existing topic");
        }
        return access.operations();
    }

    /**
     * The caller's authorized operations on an output topic, or null when it does not exist (a broker that creates
     * topics on first write may still accept it: not checked here, as before).
     */
    private static Set<AclOperation> describeOutputTopic(
            Admin admin, JobConfig config, ConfigOption<String> option, String topic, Duration timeout) {
        TopicAccess access = authorizedOperations(admin, config, topic, timeout);
        if (!access.exists()) {
            LOG.warn(
                    "{} '{}' does not exist: the job writes to it only if the brokers create topics on use",
                    option.key(),
                    topic);
            return null;
        }
        return access.operations();
    }

    /**
     * Whether a topic exists and what the caller may do on it: nothing when it may not even DESCRIBE it (then the
     * broker does not say whether it exists, and it counts as existing); null operations when the broker does not
     * tell them.
     */
    private record TopicAccess(boolean exists, Set<AclOperation> operations) {}

    private static TopicAccess authorizedOperations(Admin admin, JobConfig config, String topic, Duration timeout) {
        try {
            return new TopicAccess(
                    true,
                    await(
                                    admin.describeTopics(
                                                    List.of(topic),
                                                    new DescribeTopicsOptions().includeAuthorizedOperations(true))
                                            .allTopicNames(),
                                    timeout)
                            .get(topic)
                            .authorizedOperations());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new TopicAccess(false, null);
            }
            if (e.getCause() instanceof TopicAuthorizationException) {
                return new TopicAccess(true, Set.of());
            }
            throw failure(config, timeout, e.getCause());
        }
    }

    /**
     * The caller's authorized operations on the consumer group. A group that does not exist yet has none to
     * describe (Kafka 4 answers GROUP_ID_NOT_FOUND to whoever may DESCRIBE it); then an offset commit for a topic
     * that does not exist probes READ: the broker checks READ on the group first and refuses the unknown topic
     * before it reaches the group coordinator, so nothing is committed and no group is created.
     */
    private static Set<AclOperation> describeGroup(Admin admin, JobConfig config, String group, Duration timeout) {
        try {
            return await(
                            admin.describeConsumerGroups(
                                            List.of(group),
                                            new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                                    .all(),
                            timeout)
                    .get(group)
                    .authorizedOperations();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupAuthorizationException) {
                return Set.of();
            }
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return probeGroupRead(admin, config, group, timeout);
            }
            throw failure(config, timeout, e.getCause());
        }
    }

    private static Set<AclOperation> probeGroupRead(Admin admin, JobConfig config, String group, Duration timeout) {
        TopicPartition nowhere = new TopicPartition("__sentiment-stream-startup-check-" + UUID.randomUUID(), 0);
        try {
            await(
                    admin.alterConsumerGroupOffsets(group, Map.of(nowhere, new OffsetAndMetadata(0)))
                            .all(),
                    timeout);
            return Set.of(AclOperation.DESCRIBE, AclOperation.READ);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupAuthorizationException) {
                return Set.of(AclOperation.DESCRIBE);
            }
            if (e.getCause() instanceof UnknownTopicOrPartitionException
                    || e.getCause() instanceof TopicAuthorizationException) {
                return Set.of(AclOperation.DESCRIBE, AclOperation.READ);
            }
            throw failure(config, timeout, e.getCause());
        }
    }

    /**
     * Exactly-once needs the sinks' transactional ids: there is no call that tells a client its ACLs on them, so
     * one transactional producer per sink initializes an id of its own under the sink's prefix (never one the sink
     * uses, whose open transaction a restored job still has to commit) and closes without a transaction.
     */
    private static void transactionalIds(JobConfig config, Properties clientProps, Duration timeout) {
        for (String prefix : KafkaConnectors.transactionalIdPrefixes(config)) {
            Properties props = new Properties();
            props.putAll(clientProps);
            props.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "-startup-check");
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int)
                    config.get(KafkaOptions.TRANSACTION_TIMEOUT).toMillis());
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 1000);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.initTransactions();
            } catch (TransactionalIdAuthorizationException e) {
                Access access = new Access(config);
                throw new InvalidSettingException(
                        KafkaOptions.TRANSACTIONAL_ID_PREFIX,
                        "the Kafka principal " + access.principal + " may not use the transactional ids starting"
                                + " with '" + prefix + "', which the exactly-once sinks need (" + e.getMessage()
                                + ")",
                        "grant WRITE on the transactional ids with the prefix {"
                                + KafkaOptions.TRANSACTIONAL_ID_PREFIX.key() + "}: "
                                + access.acl(
                                        "Write",
                                        "--transactional-id " + config.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX)
                                                + " --resource-pattern-type prefixed")
                                + ", or use another delivery guarantee ({"
                                + KafkaOptions.DELIVERY_GUARANTEE.key() + "})");
            } catch (KafkaException e) {
                throw failure(config, timeout, e);
            }
        }
    }

    private static <T> T await(KafkaFuture<T> future, Duration timeout) throws ExecutionException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ExecutionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the Kafka brokers", e);
        }
    }

    /**
     * A failure to talk to the brokers at all, named by its cause: TLS, authentication, or no broker. Messages
     * name settings, never their values (which may be secrets).
     */
    private static InvalidSettingException failure(JobConfig config, Duration timeout, Throwable cause) {
        String servers = config.get(KafkaOptions.BOOTSTRAP_SERVERS);
        if (cause instanceof SslAuthenticationException) {
            return new InvalidSettingException(
                    JobConfig.KAFKA_PREFIX + SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                    "the TLS handshake with " + servers + " failed: this client does not trust the broker's"
                            + " certificate, or its name (" + rootMessage(cause) + ")",
                    "point {kafka.ssl.truststore.location} (with {kafka.ssl.truststore.type} and"
                            + " {kafka.ssl.truststore.password}) at a truststore holding the CA certificate that"
                            + " signed the brokers' certificates (keytool -importcert -alias kafka-ca -file ca.pem"
                            + " -keystore truststore.p12), or give that CA in PEM as"
                            + " {kafka.ssl.truststore.certificates}; a name mismatch is fixed in the broker"
                            + " certificate's subject alternative names, not by emptying"
                            + " {kafka.ssl.endpoint.identification.algorithm}");
        }
        if (cause instanceof SaslAuthenticationException || cause instanceof AuthenticationException) {
            Access access = new Access(config);
            return new InvalidSettingException(
                    JobConfig.KAFKA_PREFIX + SaslConfigs.SASL_JAAS_CONFIG,
                    "the brokers at " + servers + " refused to authenticate " + access.principal + " ("
                            + rootMessage(cause) + ")",
                    "check the user name and password of {kafka.sasl.jaas.config} and {kafka.sasl.mechanism}"
                            + " against the user's credentials on the cluster (kafka-configs.sh --describe"
                            + " --entity-type users --entity-name <user>); give the password through a config"
                            + " provider (${file:<path>:<key>} or ${env:<variable>}), never on the command line");
        }
        return new InvalidSettingException(
                KafkaOptions.BOOTSTRAP_SERVERS,
                "no Kafka broker at " + servers + " answered within " + timeout.toSeconds() + " s (" + cause + ")",
                "check {"
                        + KafkaOptions.BOOTSTRAP_SERVERS.key() + "}, the network between Flink and Kafka, and the"
                        + " {kafka.security.protocol}, {kafka.ssl.*} and {kafka.sasl.*} settings");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
    }

    /** Who the job is on the cluster, and the kafka-acls.sh commands that grant what it lacks. */
    private static final class Access {
        private static final Pattern USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

        final String principal;
        final String servers;

        Access(JobConfig config) {
            String jaas = config.kafkaProperties().getProperty(SaslConfigs.SASL_JAAS_CONFIG, "");
            Matcher m = USERNAME.matcher(jaas);
            this.principal = m.find() && !m.group(1).startsWith("${") ? "User:" + m.group(1) : "User:<the job's user>";
            this.servers = config.get(KafkaOptions.BOOTSTRAP_SERVERS);
        }

        String acl(String operation, String resource) {
            return "kafka-acls.sh --bootstrap-server " + servers + " --command-config <admin.properties> --add"
                    + " --allow-principal " + principal + " --operation " + operation + " " + resource;
        }

        void requireOnTopic(ConfigOption<String> option, String topic, AclOperation needed, Set<AclOperation> ops) {
            if (allows(ops, needed)) {
                return;
            }
            String op = needed == AclOperation.READ ? "Read" : "Write";
            String consequence = option == KafkaOptions.DLQ_TOPIC
                    ? "; without it the job would start, score, and restart forever at the first record that cannot"
                            + " be scored"
                    : "";
            throw new InvalidSettingException(
                    option,
                    "the Kafka principal " + principal + " may not " + needed + " topic '" + topic + "' (allowed: "
                            + (ops.isEmpty() ? "nothing" : ops.toString()) + ")" + consequence,
                    "grant it: " + acl(op, "--topic " + topic) + ", or name a topic the job may "
                            + op.toLowerCase(Locale.ROOT));
        }

        void requireOnGroup(String group, Set<AclOperation> ops) {
            if (allows(ops, AclOperation.READ)) {
                return;
            }
            throw new InvalidSettingException(
                    KafkaOptions.GROUP_ID,
                    "the Kafka principal " + principal + " may not READ consumer group '" + group + "' (allowed: "
                            + (ops.isEmpty() ? "nothing" : ops.toString()) + "), which the source needs to commit"
                            + " its offsets",
                    "grant it: " + acl("Read", "--group " + group) + ", or name a group the job may use");
        }

        /** {@code null}: the broker did not say (no authorizer answer), which is not held against the job. */
        private static boolean allows(Set<AclOperation> ops, AclOperation needed) {
            return ops == null || ops.contains(needed) || ops.contains(AclOperation.ALL);
        }
    }

    /**
     * Opens the model once, as a TaskManager will, when it is a directory this process can read (always so in
     * application mode, where the JobManager runs this and has the image's model); for a watched root, its newest
     * version. A model only the TaskManagers have, or one they fetch (hf:, s3://), is checked there as they open it.
     */
    static void model(InferenceConfig inference) {
        String spec = inference.model();
        if (!ModelResolver.isLocalPath(spec) || !Files.exists(Path.of(spec))) {
            LOG.info("Model {} is not a directory here: the TaskManagers check it as they open it", spec);
            return;
        }
        // No warm-up: this session only checks the model and closes.
        try (SentimentScorer scorer = SentimentScorer.open(inference.withWarmUpRounds(0), 1)) {
            LOG.info("Model {} keeps the model contract", scorer.modelIdentity());
        } catch (InvalidSettingException e) {
            throw e; // the model contract's problem and fix, or another setting's
        } catch (LinkageError e) {
            // a `flink run` client without ONNX Runtime on its classpath: the TaskManagers have it
            LOG.info("ONNX Runtime is not on this classpath ({}): the TaskManagers check the model", e.toString());
        } catch (IOException | RuntimeException e) {
            throw new InvalidSettingException(
                    SentimentOptions.MODEL.key(),
                    "the model at " + spec + " cannot be used: "
                            + (e.getMessage() == null ? e.toString() : e.getMessage()),
                    "point it at a directory holding the model.onnx, tokenizer.json and config.json of one exported"
                            + " model",
                    e);
        } catch (Exception e) {
            throw new IllegalStateException("closing the model check's session failed", e);
        }
    }
}
