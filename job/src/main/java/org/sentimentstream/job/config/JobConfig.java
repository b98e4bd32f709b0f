package org.sentimentstream.job.config;

import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.SentimentOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * All settings of the job: the typed options of each concern ({@link KafkaOptions}, {@link InputOptions},
 * {@link PipelineOptions}, {@link SentimentOptions}) and Kafka client properties passed through as
 * {@code kafka.<property>}. Values come from Flink configuration, overridden by the command line. Invalid values
 * fail at construction with a message that names the setting and the fix.
 */
public final class JobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Prefix of Kafka client properties passed through to the source and the sinks. */
    public static final String KAFKA_PREFIX = "kafka.";

    /** Broker default of transaction.max.timeout.ms. */
    static final Duration BROKER_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|jaas|token|credential|\\.key$).*");

    private final Configuration options;
    private final Map<String, String> kafkaProperties;
    private final InferenceConfig inference;

    private JobConfig(Configuration options, Map<String, String> kafkaProperties) {
        this.options = options;
        this.kafkaProperties = kafkaProperties;
        this.inference = InferenceConfig.fromConfiguration(options);
        validate();
    }

    /** All typed options, for help texts and the README's configuration reference. */
    public static List<ConfigOption<?>> allOptions() {
        List<ConfigOption<?>> all = new ArrayList<>();
        all.addAll(List.of(KafkaOptions.BOOTSTRAP_SERVERS, KafkaOptions.INPUT_TOPIC, KafkaOptions.OUTPUT_TOPIC,
                KafkaOptions.DLQ_TOPIC, KafkaOptions.GROUP_ID, KafkaOptions.STARTING_OFFSETS,
                KafkaOptions.DELIVERY_GUARANTEE, KafkaOptions.TRANSACTIONAL_ID_PREFIX,
                KafkaOptions.TRANSACTION_TIMEOUT));
        all.addAll(List.of(InputOptions.INPUT_FORMAT, InputOptions.TEXT_FIELD));
        all.addAll(List.of(PipelineOptions.ASYNC_TIMEOUT, PipelineOptions.ASYNC_CAPACITY, PipelineOptions.ORDERED,
                PipelineOptions.CHECKPOINT_INTERVAL));
        all.addAll(Arrays.asList(InferenceConfig.allOptions()));
        return all;
    }

    /**
     * Builds the configuration from Flink's (e.g. {@code flink run -Dsentiment.model=...} or config.yaml) and the
     * command line's key/value pairs, the latter winning. Keys are option keys ({@code sentiment.*}) or
     * {@code kafka.<client property>}.
     */
    public static JobConfig from(ReadableConfig flinkConfig, Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>();
        flinkConfig.toMap().forEach((k, v) -> {
            if (k.startsWith("sentiment.") || k.startsWith(KAFKA_PREFIX)) {
                merged.put(k, v);
            }
        });
        merged.putAll(overrides);
        Configuration options = new Configuration();
        Map<String, String> kafka = new TreeMap<>();
        List<String> known = allOptions().stream().map(ConfigOption::key).toList();
        for (Map.Entry<String, String> e : merged.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(KAFKA_PREFIX)) {
                kafka.put(key.substring(KAFKA_PREFIX.length()), e.getValue());
            } else if (known.contains(key)) {
                options.setString(key, e.getValue());
            } else {
                throw new InvalidSettingException("Unknown setting '" + key + "'. Fix: use one of " + known
                        + ", or kafka.<client property> to pass a property to the Kafka clients.");
            }
        }
        try {
            return new JobConfig(options, kafka);
        } catch (IllegalArgumentException e) {
            if (e instanceof InvalidSettingException) {
                throw e;
            }
            throw new InvalidSettingException(e.getMessage() + " Fix: see --help for the allowed values.", e);
        }
    }

    public static JobConfig of(Map<String, String> settings) {
        return from(new Configuration(), settings);
    }

    private void validate() {
        // Parse every typed option now: an unparsable value (e.g. an enum) fails here, naming its key.
        for (ConfigOption<?> option : allOptions()) {
            options.getOptional(option);
        }
        for (ConfigOption<String> topic : List.of(KafkaOptions.INPUT_TOPIC, KafkaOptions.OUTPUT_TOPIC,
                KafkaOptions.DLQ_TOPIC)) {
            if (get(topic).isBlank()) {
                throw invalid(topic, "must not be blank", "name a Kafka topic");
            }
        }
        if (get(KafkaOptions.INPUT_TOPIC).equals(get(KafkaOptions.OUTPUT_TOPIC))
                || get(KafkaOptions.INPUT_TOPIC).equals(get(KafkaOptions.DLQ_TOPIC))) {
            throw invalid(KafkaOptions.INPUT_TOPIC, "is also an output topic", "use distinct topics, or the job"
                    + " would score its own output");
        }
        if (get(InputOptions.TEXT_FIELD).isBlank()) {
            throw invalid(InputOptions.TEXT_FIELD, "must not be blank", "name the JSON field holding the review");
        }
        Duration txTimeout = get(KafkaOptions.TRANSACTION_TIMEOUT);
        if (txTimeout.compareTo(BROKER_MAX_TRANSACTION_TIMEOUT) > 0 || txTimeout.toMillis() < 1000) {
            throw invalid(KafkaOptions.TRANSACTION_TIMEOUT, "is " + txTimeout + "; brokers refuse producers above"
                    + " transaction.max.timeout.ms (15 min by default), and the sink would restart forever",
                    "use a value between 1 s and 15 min, e.g. 10 min");
        }
        options.getOptional(PipelineOptions.CHECKPOINT_INTERVAL).ifPresent(interval -> {
            if (interval.toMillis() < 10) {
                throw invalid(PipelineOptions.CHECKPOINT_INTERVAL, "is " + interval, "use e.g. 10 s");
            }
            if (interval.compareTo(txTimeout) >= 0) {
                throw invalid(PipelineOptions.CHECKPOINT_INTERVAL, "is not shorter than "
                        + KafkaOptions.TRANSACTION_TIMEOUT.key() + " (" + txTimeout + "), so transactions would"
                        + " time out before they commit", "make the interval much shorter than the timeout");
            }
        });
        if (get(PipelineOptions.ASYNC_CAPACITY) < 1) {
            throw invalid(PipelineOptions.ASYNC_CAPACITY, "must be positive", "use e.g. 128");
        }
        if (get(PipelineOptions.ASYNC_TIMEOUT).toMillis() < 1) {
            throw invalid(PipelineOptions.ASYNC_TIMEOUT, "must be positive", "use e.g. 60 s");
        }
        for (String reserved : List.of("key.serializer", "value.serializer", "key.deserializer",
                "value.deserializer", "transactional.id", "enable.auto.commit")) {
            if (kafkaProperties.containsKey(reserved)) {
                throw new InvalidSettingException("Invalid setting 'kafka." + reserved + "': the job sets it itself."
                        + " Fix: remove it.");
            }
        }
    }

    /** Requires the settings a job against a real cluster cannot do without. */
    public JobConfig requireBootstrapServers() {
        String servers = options.get(KafkaOptions.BOOTSTRAP_SERVERS);
        if (servers == null || servers.isBlank()) {
            throw invalid(KafkaOptions.BOOTSTRAP_SERVERS, "is not set",
                    "pass --bootstrap-servers host:9092 (or -D" + KafkaOptions.BOOTSTRAP_SERVERS.key() + "=...)");
        }
        return this;
    }

    static InvalidSettingException invalid(ConfigOption<?> option, String problem, String fix) {
        return new InvalidSettingException("Invalid setting '" + option.key() + "': " + problem + ". Fix: " + fix
                + ".");
    }

    public <T> T get(ConfigOption<T> option) {
        return options.get(option);
    }

    /** An option without a default, if set. */
    public <T> java.util.Optional<T> getOptional(ConfigOption<T> option) {
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

    /** A copy with one more setting; for the embedded run, which knows its broker only after start. */
    public JobConfig with(String key, String value) {
        Map<String, String> all = new TreeMap<>(options.toMap());
        kafkaProperties.forEach((k, v) -> all.put(KAFKA_PREFIX + k, v));
        all.put(key, value);
        return of(all);
    }

    /** All settings with secrets masked: safe to log. */
    public Map<String, String> redacted() {
        Map<String, String> all = new TreeMap<>(options.toMap());
        kafkaProperties.forEach((k, v) -> all.put(KAFKA_PREFIX + k, SECRET.matcher(k).matches() ? "******" : v));
        return all;
    }

    @Override
    public String toString() {
        return redacted().toString();
    }
}
