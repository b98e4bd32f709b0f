package org.sentimentstream.job.config;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.SentimentOptions;
import org.sentimentstream.udf.SettingSurface;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.sentimentstream.udf.InvalidSettingException.require;

/**
 * All settings of the job, validated once: the typed options of each concern ({@link KafkaOptions},
 * {@link InputOptions}, {@link PipelineOptions}, {@link ModelControlOptions}, {@link SentimentOptions}) in one {@link Configuration}, and Kafka
 * client properties passed through as {@code kafka.<property>}. An invalid value fails at construction with an
 * {@link InvalidSettingException}.
 */
public final class JobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Prefix of Kafka client properties passed through to the source and the sinks. */
    public static final String KAFKA_PREFIX = "kafka.";

    /** Broker default of transaction.max.timeout.ms. */
    static final Duration BROKER_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /** The job's own options; the inference ones are read and validated by {@link InferenceConfig}. */
    private static final List<ConfigOption<?>> JOB_OPTIONS = Stream.of(
                    KafkaOptions.ALL, InputOptions.ALL, PipelineOptions.ALL, ModelControlOptions.ALL)
            .flatMap(List::stream)
            .toList();

    private static final List<ConfigOption<?>> OPTIONS =
            Stream.of(JOB_OPTIONS, SentimentOptions.ALL).flatMap(List::stream).toList();

    private static final List<String> RESERVED_KAFKA_PROPERTIES = List.of(
            "key.serializer",
            "value.serializer",
            "key.deserializer",
            "value.deserializer",
            "transactional.id",
            "enable.auto.commit");

    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|jaas|token|credential|\\.key$).*");

    private final Configuration options;
    private final Map<String, String> kafkaProperties;
    private final InferenceConfig inference;

    private JobConfig(Map<String, String> settings) {
        this.options = new Configuration();
        this.kafkaProperties = new TreeMap<>();
        settings.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                kafkaProperties.put(key.substring(KAFKA_PREFIX.length()), value);
            } else if (key.equals(KafkaOptions.DELIVERY_GUARANTEE.key())) {
                // Flink's enum reads exactly-once; its constant's name, EXACTLY_ONCE, is accepted too.
                options.setString(key, value.replace('_', '-'));
            } else {
                options.setString(key, value);
            }
        });
        this.inference = InferenceConfig.from(options);
        validate(settings.keySet());
    }

    /** All typed options, for help texts and the configuration reference (docs/configuration.md). */
    public static List<ConfigOption<?>> allOptions() {
        return OPTIONS;
    }

    /**
     * Reads Flink's configuration (e.g. {@code flink run -Dsentiment.model=...} or config.yaml) with the command
     * line's settings on top. Keys are option keys ({@code sentiment.*}) or {@code kafka.<client property>}.
     */
    public static JobConfig from(ReadableConfig flinkConfig, Map<String, String> overrides) {
        Map<String, String> settings = new TreeMap<>();
        flinkConfig.toMap().forEach((key, value) -> {
            if (key.startsWith(SettingSurface.PREFIX) || key.startsWith(KAFKA_PREFIX)) {
                settings.put(key, value);
            }
        });
        settings.putAll(overrides);
        return new JobConfig(settings);
    }

    public static JobConfig of(Map<String, String> settings) {
        return new JobConfig(settings);
    }

    private void validate(Iterable<String> keys) {
        List<String> known = OPTIONS.stream().map(ConfigOption::key).toList();
        for (String key : keys) {
            if (!key.startsWith(KAFKA_PREFIX) && !known.contains(key)) {
                throw new InvalidSettingException(
                        key,
                        "there is no such setting",
                        "use one of " + known + ", or kafka.<client property> to pass a property to the Kafka clients");
            }
        }
        JOB_OPTIONS.forEach(option -> InferenceConfig.read(options, option)); // each parses, or fails naming its key
        for (ConfigOption<String> topic :
                List.of(KafkaOptions.INPUT_TOPIC, KafkaOptions.OUTPUT_TOPIC, KafkaOptions.DLQ_TOPIC)) {
            require(!get(topic).isBlank(), topic, "must not be blank", "name a Kafka topic");
        }
        String input = get(KafkaOptions.INPUT_TOPIC);
        require(
                !input.equals(get(KafkaOptions.OUTPUT_TOPIC)) && !input.equals(get(KafkaOptions.DLQ_TOPIC)),
                KafkaOptions.INPUT_TOPIC,
                "is also an output topic",
                "use distinct topics, or the job would score its own output");
        require(
                !get(InputOptions.TEXT_FIELD).isBlank(),
                InputOptions.TEXT_FIELD,
                "must not be blank",
                "name the JSON field holding the review");
        Duration txTimeout = get(KafkaOptions.TRANSACTION_TIMEOUT);
        require(
                txTimeout.compareTo(BROKER_MAX_TRANSACTION_TIMEOUT) <= 0 && txTimeout.toMillis() >= 1000,
                KafkaOptions.TRANSACTION_TIMEOUT,
                "is " + txTimeout + "; brokers refuse producers above"
                        + " transaction.max.timeout.ms (15 min by default), and the sink would restart forever",
                "use a value between 1 s and 15 min, e.g. 10 min");
        getOptional(PipelineOptions.CHECKPOINT_INTERVAL).ifPresent(interval -> {
            require(interval.toMillis() >= 10, PipelineOptions.CHECKPOINT_INTERVAL, "is " + interval, "use e.g. 10 s");
            require(
                    interval.compareTo(txTimeout) < 0,
                    PipelineOptions.CHECKPOINT_INTERVAL,
                    "is not shorter than {"
                            + KafkaOptions.TRANSACTION_TIMEOUT.key() + "} (" + txTimeout
                            + "), so transactions would time out"
                            + " before they commit",
                    "make the interval much shorter than the timeout");
        });
        require(
                get(PipelineOptions.ASYNC_CAPACITY) >= 1,
                PipelineOptions.ASYNC_CAPACITY,
                "must be positive",
                "use e.g. 128");
        require(
                get(PipelineOptions.ASYNC_TIMEOUT).toMillis() >= 1,
                PipelineOptions.ASYNC_TIMEOUT,
                "must be positive",
                "use e.g. 60 s");
        getOptional(ModelControlOptions.MODEL_CONTROL_TOPIC).ifPresent(this::validateControlTopic);
        require(
                get(ModelControlOptions.MODEL_CONTROL_POLL_INTERVAL).toMillis() >= 100,
                ModelControlOptions.MODEL_CONTROL_POLL_INTERVAL,
                "must be at least 100 ms",
                "use e.g. 1 s");
        for (String reserved : RESERVED_KAFKA_PROPERTIES) {
            if (kafkaProperties.containsKey(reserved)) {
                throw new InvalidSettingException(KAFKA_PREFIX + reserved, "the job sets it itself", "remove it");
            }
        }
    }

    /** The control topic is read by every subtask: one source of models, never one of the job's data topics. */
    private void validateControlTopic(String topic) {
        ConfigOption<String> option = ModelControlOptions.MODEL_CONTROL_TOPIC;
        require(!topic.isBlank(), option, "must not be blank", "name a Kafka topic, or leave it unset");
        require(
                inference.modelWatch() == null,
                option,
                "is set together with {" + SentimentOptions.MODEL_WATCH.key() + "}: a job takes its models from"
                        + " one place, a watched model location or a control topic",
                "unset one of them: keep {" + SentimentOptions.MODEL_WATCH.key() + "} to follow the versions under {"
                        + SentimentOptions.MODEL.key() + "}, or keep this setting to follow announcements");
        for (ConfigOption<String> data :
                List.of(KafkaOptions.INPUT_TOPIC, KafkaOptions.OUTPUT_TOPIC, KafkaOptions.DLQ_TOPIC)) {
            require(
                    !topic.equals(get(data)),
                    option,
                    "is also {" + data.key() + "}",
                    "give model announcements a topic of their own (one partition)");
        }
    }

    /** Requires the settings a job against a real cluster cannot do without. */
    public JobConfig requireBootstrapServers() {
        String servers = options.get(KafkaOptions.BOOTSTRAP_SERVERS);
        require(
                servers != null && !servers.isBlank(),
                KafkaOptions.BOOTSTRAP_SERVERS,
                "is not set",
                "set it to the brokers' host:port, e.g. kafka:9092");
        return this;
    }

    public <T> T get(ConfigOption<T> option) {
        return options.get(option);
    }

    /** An option without a default, if set. */
    public <T> Optional<T> getOptional(ConfigOption<T> option) {
        return options.getOptional(option);
    }

    public InferenceConfig inference() {
        return inference;
    }

    /** Kafka client properties for the source and sinks: the pass-through ones. */
    public Properties kafkaProperties() {
        Properties p = new Properties();
        p.putAll(kafkaProperties);
        return p;
    }

    /** A copy with more settings; for the embedded run, which knows its broker only after start. */
    public JobConfig with(Map<String, String> more) {
        Map<String, String> all = new TreeMap<>(options.toMap());
        kafkaProperties.forEach((k, v) -> all.put(KAFKA_PREFIX + k, v));
        all.putAll(more);
        return new JobConfig(all);
    }

    /** All settings with secrets masked: safe to log. */
    public Map<String, String> redacted() {
        Map<String, String> all = new TreeMap<>(options.toMap());
        kafkaProperties.forEach(
                (k, v) -> all.put(KAFKA_PREFIX + k, SECRET.matcher(k).matches() ? "******" : v));
        return all;
    }

    @Override
    public String toString() {
        return redacted().toString();
    }
}
