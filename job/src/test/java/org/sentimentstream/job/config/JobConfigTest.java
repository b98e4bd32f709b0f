package org.sentimentstream.job.config;

import org.sentimentstream.job.pipeline.SentimentPipeline;
import org.sentimentstream.udf.InvalidSettingException;
import org.sentimentstream.udf.SentimentOptions;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every invalid setting fails at once, naming itself and the fix; sources of settings; secrets stay out of logs. */
class JobConfigTest {

    private static void assertInvalid(Map<String, String> settings, String namedSetting) {
        assertThatThrownBy(() -> JobConfig.of(settings))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(namedSetting)
                .hasMessageContaining("Fix:");
    }

    @Test
    void unknownSetting() {
        assertInvalid(Map.of("sentiment.max-batchsize", "8"), "'sentiment.max-batchsize'");
        assertInvalid(Map.of("parallelism", "8"), "'parallelism'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sentiment.input-topic", "sentiment.output-topic", "sentiment.dlq-topic"})
    void blankTopic(String topic) {
        assertInvalid(Map.of(topic, ""), "'" + topic + "'");
        assertInvalid(Map.of(topic, "  "), "'" + topic + "'");
    }

    @Test
    void blankTextField() {
        assertInvalid(Map.of("sentiment.text-field", " "), "'sentiment.text-field'");
    }

    @Test
    void inputTopicEqualToAnOutputTopic() {
        assertInvalid(Map.of("sentiment.input-topic", "t", "sentiment.output-topic", "t"), "'sentiment.input-topic'");
        assertInvalid(Map.of("sentiment.input-topic", "t", "sentiment.dlq-topic", "t"), "'sentiment.input-topic'");
        // the defaults: input "reviews", output "reviews-scored"
        assertInvalid(Map.of("sentiment.output-topic", "reviews"), "'sentiment.input-topic'");
    }

    @Test
    void transactionTimeoutAboveTheBrokerMaximum() {
        assertInvalid(Map.of("sentiment.transaction-timeout", "16 min"), "'sentiment.transaction-timeout'");
        assertInvalid(Map.of("sentiment.transaction-timeout", "900001 ms"), "'sentiment.transaction-timeout'");
        assertInvalid(Map.of("sentiment.transaction-timeout", "10 ms"), "'sentiment.transaction-timeout'");
        assertThat(JobConfig.of(Map.of("sentiment.transaction-timeout", "15 min"))
                        .get(KafkaOptions.TRANSACTION_TIMEOUT))
                .isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void checkpointIntervalNotShorterThanTheTransactionTimeout() {
        // default timeout: 10 min
        assertInvalid(Map.of("sentiment.checkpoint-interval", "10 min"), "'sentiment.checkpoint-interval'");
        assertInvalid(
                Map.of("sentiment.checkpoint-interval", "2 min", "sentiment.transaction-timeout", "1 min"),
                "'sentiment.checkpoint-interval'");
        assertInvalid(Map.of("sentiment.checkpoint-interval", "1 ms"), "'sentiment.checkpoint-interval'");
        assertThat(JobConfig.of(Map.of(
                                "sentiment.checkpoint-interval", "59 s", "sentiment.transaction-timeout", "1 min"))
                        .get(PipelineOptions.CHECKPOINT_INTERVAL))
                .isEqualTo(Duration.ofSeconds(59));
    }

    @Test
    void modelControlTopic() {
        assertInvalid(Map.of("sentiment.model-control-topic", " "), "'sentiment.model-control-topic'");
        assertInvalid(Map.of("sentiment.model-control-topic", "reviews"), "'sentiment.model-control-topic'");
        assertInvalid(Map.of("sentiment.model-control-topic", "reviews-dlq"), "'sentiment.model-control-topic'");
        assertInvalid(
                Map.of("sentiment.model-control-topic", "models", "sentiment.model-control-poll-interval", "10 ms"),
                "'sentiment.model-control-poll-interval'");
        JobConfig config = JobConfig.of(Map.of("sentiment.model-control-topic", "models"));
        assertThat(config.getOptional(ModelControlOptions.MODEL_CONTROL_TOPIC)).contains("models");
        assertThat(config.get(ModelControlOptions.MODEL_CONTROL_POLL_INTERVAL)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void modelWatchAndControlTopicTogetherAreRefused() {
        assertThatThrownBy(() -> JobConfig.of(
                        Map.of("sentiment.model-control-topic", "models", "sentiment.model-watch", "30 s")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'sentiment.model-control-topic'")
                .hasMessageContaining("sentiment.model-watch")
                .hasMessageContaining("Fix: unset one of them");
        assertThat(JobConfig.of(Map.of("sentiment.model-watch", "30 s"))
                        .inference()
                        .modelWatch())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void asyncSettingsMustBePositive() {
        assertInvalid(Map.of("sentiment.async-capacity", "0"), "'sentiment.async-capacity'");
        assertInvalid(Map.of("sentiment.async-timeout", "0 ms"), "'sentiment.async-timeout'");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "key.serializer",
                "value.serializer",
                "key.deserializer",
                "value.deserializer",
                "transactional.id",
                "enable.auto.commit"
            })
    void reservedKafkaProperties(String property) {
        assertInvalid(Map.of("kafka." + property, "x"), "'kafka." + property + "'");
    }

    @Test
    void requireBootstrapServers() {
        assertThatThrownBy(() -> JobConfig.of(Map.of()).requireBootstrapServers())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'sentiment.bootstrap-servers'")
                .hasMessageContaining("Fix:");
        assertThatThrownBy(() ->
                        JobConfig.of(Map.of("sentiment.bootstrap-servers", " ")).requireBootstrapServers())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'sentiment.bootstrap-servers'")
                .hasMessageContaining("Fix:");
        JobConfig ok = JobConfig.of(Map.of("sentiment.bootstrap-servers", "kafka:9092"));
        assertThat(ok.requireBootstrapServers()).isSameAs(ok);
    }

    static Stream<Arguments> unparsableValues() {
        return Stream.of(
                Arguments.of("sentiment.max-batch-size", "lots"),
                Arguments.of("sentiment.max-sequence-length", "1.5"),
                Arguments.of("sentiment.max-batch-delay", "soon"),
                Arguments.of("sentiment.session-sharing", "SOMETIMES"),
                Arguments.of("sentiment.delivery-guarantee", "MAYBE"),
                Arguments.of("sentiment.starting-offsets", "YESTERDAY"),
                Arguments.of("sentiment.input-format", "XML"),
                Arguments.of("sentiment.ordered", "perhaps"),
                Arguments.of("sentiment.async-capacity", "many"),
                Arguments.of("sentiment.async-timeout", "forever"),
                Arguments.of("sentiment.transaction-timeout", "long"),
                Arguments.of("sentiment.checkpoint-interval", "often"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("unparsableValues")
    void unparsableValueNamesItsKey(String key, String value) {
        assertInvalid(Map.of(key, value), key);
    }

    @Test
    void invalidInferenceValuesAreCheckedToo() {
        assertInvalid(Map.of("sentiment.max-batch-size", "0"), "'sentiment.max-batch-size'");
        assertInvalid(Map.of("sentiment.length-buckets", "64,32"), "'sentiment.length-buckets'");
    }

    @Test
    void exactlyOnceWithoutCheckpointingIsRefused() {
        JobConfig config = JobConfig.of(
                Map.of("sentiment.bootstrap-servers", "127.0.0.1:1", "sentiment.delivery-guarantee", "EXACTLY_ONCE"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

        assertThatThrownBy(() -> SentimentPipeline.defineBounded(env, config))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("'sentiment.delivery-guarantee'")
                .hasMessageContaining("Fix:");
    }

    @Test
    void checkpointIntervalSettingEnablesCheckpointing() {
        JobConfig config = JobConfig.of(
                Map.of("sentiment.bootstrap-servers", "127.0.0.1:1", "sentiment.checkpoint-interval", "1500 ms"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

        SentimentPipeline.defineBounded(env, config);

        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(1500L);
    }

    @Test
    void flinkCheckpointingWinsOverTheSetting() {
        Configuration flink = new Configuration();
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(7));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        JobConfig config = JobConfig.from(
                flink, Map.of("sentiment.bootstrap-servers", "127.0.0.1:1", "sentiment.checkpoint-interval", "2 s"));

        SentimentPipeline.defineBounded(env, config);

        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(7000L);
    }

    @Test
    void atLeastOnceRunsWithoutCheckpointing() {
        JobConfig config = JobConfig.of(
                Map.of("sentiment.bootstrap-servers", "127.0.0.1:1", "sentiment.delivery-guarantee", "AT_LEAST_ONCE"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

        SentimentPipeline.defineBounded(env, config);

        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
    }

    @Test
    void flinkConfigurationIsReadAndTheCommandLineWins() {
        Configuration flink = new Configuration();
        flink.setString("sentiment.input-topic", "from-flink-in");
        flink.setString("sentiment.output-topic", "from-flink-out");
        flink.setString("sentiment.max-batch-size", "8");
        flink.setString("sentiment.max-batch-delay", "20 ms");
        flink.setString("kafka.security.protocol", "SSL");
        flink.setString("kafka.client.id", "flink-client");
        flink.setString("parallelism.default", "3"); // Flink's own settings are not the job's business
        flink.setString("taskmanager.numberOfTaskSlots", "4");

        Map<String, String> commandLine = new HashMap<>();
        commandLine.put("sentiment.output-topic", "from-cli-out");
        commandLine.put("sentiment.max-batch-size", "32");
        commandLine.put("kafka.security.protocol", "SASL_SSL");

        JobConfig config = JobConfig.from(flink, commandLine);

        assertThat(config.get(KafkaOptions.INPUT_TOPIC)).isEqualTo("from-flink-in");
        assertThat(config.get(KafkaOptions.OUTPUT_TOPIC)).isEqualTo("from-cli-out");
        assertThat(config.get(KafkaOptions.DLQ_TOPIC)).isEqualTo("reviews-dlq");
        assertThat(config.inference().maxBatchSize()).isEqualTo(32);
        assertThat(config.inference().maxBatchDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.get(SentimentOptions.MAX_BATCH_SIZE)).isEqualTo(32);
        assertThat(config.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("client.id", "flink-client")
                .hasSize(2);
    }

    @Test
    void invalidValueInFlinkConfigurationFailsToo() {
        Configuration flink = new Configuration();
        flink.setString("sentiment.max-batch-size", "lots");
        assertThatThrownBy(() -> JobConfig.from(flink, Map.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("sentiment.max-batch-size")
                .hasMessageContaining("Fix:");
        // ... unless the command line overrides it
        assertThat(JobConfig.from(flink, Map.of("sentiment.max-batch-size", "4"))
                        .inference()
                        .maxBatchSize())
                .isEqualTo(4);
    }

    @Test
    void typedDefaults() {
        JobConfig config = JobConfig.of(Map.of());
        assertThat(config.get(KafkaOptions.DELIVERY_GUARANTEE)).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(config.get(KafkaOptions.STARTING_OFFSETS)).isEqualTo(KafkaOptions.StartingOffsets.COMMITTED);
        assertThat(config.get(InputOptions.INPUT_FORMAT)).isEqualTo(InputOptions.InputFormat.JSON);
        assertThat(config.get(InputOptions.TEXT_FIELD)).isEqualTo("text");
        assertThat(config.get(PipelineOptions.ORDERED)).isTrue();
        assertThat(config.get(KafkaOptions.TRANSACTION_TIMEOUT)).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.inference().maxSequenceLength()).isEqualTo(128);
        assertThat(config.kafkaProperties()).isEmpty();
    }

    @Test
    void enumValuesAreParsed() {
        JobConfig config = JobConfig.of(Map.of(
                "sentiment.delivery-guarantee",
                "AT_LEAST_ONCE",
                "sentiment.input-format",
                "TEXT",
                "sentiment.starting-offsets",
                "LATEST",
                "sentiment.ordered",
                "false"));
        assertThat(config.get(KafkaOptions.DELIVERY_GUARANTEE)).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(config.get(InputOptions.INPUT_FORMAT)).isEqualTo(InputOptions.InputFormat.TEXT);
        assertThat(config.get(KafkaOptions.STARTING_OFFSETS)).isEqualTo(KafkaOptions.StartingOffsets.LATEST);
        assertThat(config.get(PipelineOptions.ORDERED)).isFalse();
    }

    @Test
    void secretsAreMaskedInRedactedAndToString() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
                + " password=\"hunter2-secret\";";
        JobConfig config = JobConfig.of(Map.of(
                "kafka.sasl.jaas.config", jaas,
                "kafka.ssl.key.password", "keypass-42",
                "kafka.ssl.truststore.password", "trustpass-43",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "PLAIN",
                "sentiment.input-topic", "in"));

        Map<String, String> redacted = config.redacted();
        assertThat(redacted)
                .containsEntry("kafka.sasl.jaas.config", "******")
                .containsEntry("kafka.ssl.key.password", "******")
                .containsEntry("kafka.ssl.truststore.password", "******")
                .containsEntry("kafka.security.protocol", "SASL_SSL")
                .containsEntry("kafka.sasl.mechanism", "PLAIN")
                .containsEntry("sentiment.input-topic", "in");
        assertThat(config.toString())
                .doesNotContain("hunter2-secret")
                .doesNotContain("keypass-42")
                .doesNotContain("trustpass-43")
                .contains("kafka.security.protocol=SASL_SSL")
                .contains("kafka.sasl.jaas.config=******");
        // the clients still get the real values
        assertThat(config.kafkaProperties())
                .containsEntry("sasl.jaas.config", jaas)
                .containsEntry("ssl.key.password", "keypass-42");
    }

    @Test
    void withKeepsEverySettingAndValidates() {
        JobConfig config = JobConfig.of(Map.of("kafka.security.protocol", "SSL", "sentiment.max-batch-size", "4"))
                .with(Map.of("sentiment.bootstrap-servers", "127.0.0.1:9092"));

        assertThat(config.get(KafkaOptions.BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:9092");
        assertThat(config.inference().maxBatchSize()).isEqualTo(4);
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");
        assertThatThrownBy(() -> config.with(Map.of("sentiment.output-topic", "reviews")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("sentiment.input-topic");
    }
}
