package org.sentimentstream.embedded;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKafkaBrokerTest {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void readCommittedSeesOnlyCommittedTransactionsAndCloseCleansUp() throws Exception {
        String topic = "embedded-test-" + UUID.randomUUID();
        int brokerPort;
        int controllerPort;
        Path dataDir;

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            brokerPort = kafka.brokerPort();
            controllerPort = kafka.controllerPort();
            dataDir = kafka.dataDir();
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + brokerPort);
            assertThat(dataDir).isDirectory();
            assertThat(kafka.startupTime()).isPositive();

            kafka.createTopics(2, topic);

            Map<String, Object> producerProps = kafka.clientProperties();
            producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-test-tx-" + UUID.randomUUID());
            producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerProps.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();

                producer.beginTransaction();
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "committed-" + i));
                }
                producer.commitTransaction();

                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, "a" + i, "aborted-" + i));
                }
                producer.flush(); // the aborted records really reach the log
                producer.abortTransaction();
            }

            Map<String, Object> consumerProps = kafka.clientProperties();
            consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
                List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                // Read up to the end offsets (which include the aborted batch and the transaction markers).
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                while (System.nanoTime() < deadline && !reachedEnd(consumer, end)) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        values.add(r.value());
                    }
                }
                assertThat(reachedEnd(consumer, end))
                        .as("consumer reached the end offsets")
                        .isTrue();
                // One more poll: nothing beyond what is already read.
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }

            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                expected.add("committed-" + i);
            }
            assertThat(values).hasSize(100).doesNotHaveDuplicates();
            assertThat(new HashSet<>(values)).isEqualTo(expected);
        }

        assertThat(Files.exists(dataDir)).as("log dir deleted").isFalse();
        assertPortFree(brokerPort);
        assertPortFree(controllerPort);
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static void assertPortFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
