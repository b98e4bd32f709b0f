package org.sentimentstream.job.pipeline;

import org.sentimentstream.job.config.JobConfig;
import org.sentimentstream.job.config.KafkaOptions;
import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SentimentScorer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the job needs from outside, checked before it is submitted: a broker that answers, an input topic that
 * exists, and a model that keeps the model contract. A job that fails these later would restart in a loop on its
 * TaskManagers instead of stopping with the fix; checked here, nothing is consumed, committed or written.
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
        String servers = config.get(KafkaOptions.BOOTSTRAP_SERVERS);
        String topic = config.get(KafkaOptions.INPUT_TOPIC);
        Properties props = config.kafkaProperties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new InvalidSettingException(
                        KafkaOptions.INPUT_TOPIC,
                        "topic '" + topic + "' does not exist on " + servers,
                        "create it (kafka-topics.sh --create --topic " + topic + " --partitions <n>) or"
                                + " name an existing topic");
            }
            throw unreachable(servers, timeout, e.getCause());
        } catch (TimeoutException | KafkaException e) {
            throw unreachable(servers, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the Kafka brokers", e);
        }
    }

    private static InvalidSettingException unreachable(String servers, Duration timeout, Throwable cause) {
        return new InvalidSettingException(
                KafkaOptions.BOOTSTRAP_SERVERS,
                "no Kafka broker at " + servers + " answered within " + timeout.toSeconds() + " s (" + cause + ")",
                "check {"
                        + KafkaOptions.BOOTSTRAP_SERVERS.key() + "}, the network between Flink and Kafka, and the"
                        + " {kafka.security.*} and {kafka.sasl.*} settings");
    }

    /**
     * Opens the model once, as a TaskManager will, when it is a directory this process can read (always so in
     * application mode, where the JobManager runs this and has the image's model). A model only the
     * TaskManagers have, or one they fetch (hf:, s3://), is checked there as they open it.
     */
    static void model(InferenceConfig inference) {
        String spec = inference.model();
        if (spec.startsWith("hf:") || spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]+://.*") || !Files.exists(Path.of(spec))) {
            LOG.info("Model {} is not a directory here: the TaskManagers check it as they open it", spec);
            return;
        }
        try (SentimentScorer scorer = SentimentScorer.open(inference, 1)) {
            LOG.info("Model {} keeps the model contract", scorer.modelIdentity());
        } catch (InvalidSettingException e) {
            throw e;
        } catch (LinkageError e) {
            // a `flink run` client without ONNX Runtime on its classpath: the TaskManagers have it
            LOG.info("ONNX Runtime is not on this classpath ({}): the TaskManagers check the model", e.toString());
        } catch (IOException | RuntimeException e) {
            String[] problemAndFix = String.valueOf(e.getMessage()).split("\\.? Fix: ", 2);
            throw new InvalidSettingException(
                    SentimentOptions.MODEL,
                    "the model at " + spec + " cannot be used: " + problemAndFix[0],
                    problemAndFix.length == 2
                            ? problemAndFix[1].replaceFirst("\\.$", "")
                            : "point it at a directory holding the model.onnx, tokenizer.json and config.json of one"
                                    + " exported model");
        } catch (Exception e) {
            throw new IllegalStateException("closing the model check's session failed", e);
        }
    }
}
