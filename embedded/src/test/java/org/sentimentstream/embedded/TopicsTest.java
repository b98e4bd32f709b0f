package org.sentimentstream.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TopicsTest {

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void createsWithPartitionsAndSettingsAndLeavesExistingTopicsAsTheyAre() throws Exception {
        Topics.create(
                kafka.bootstrapServers(),
                Map.of(),
                Topics.spec(3).config(Map.of("retention.ms", "3600000")),
                "topics-a",
                "topics-b");
        // again, with other partitions: no error, and the topics keep theirs
        Topics.create(kafka.bootstrapServers(), Map.of(), Topics.spec(5), "topics-a", "topics-c");

        try (Admin admin = Topics.admin(kafka.bootstrapServers(), Map.of())) {
            Map<String, TopicDescription> d = admin.describeTopics(List.of("topics-a", "topics-b", "topics-c"))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertThat(d.get("topics-a").partitions()).hasSize(3);
            assertThat(d.get("topics-b").partitions()).hasSize(3);
            assertThat(d.get("topics-c").partitions()).hasSize(5);
            assertThat(d.values())
                    .allSatisfy(t -> assertThat(t.partitions())
                            .allSatisfy(p -> assertThat(p.leader()).isNotNull()));
            ConfigResource b = new ConfigResource(ConfigResource.Type.TOPIC, "topics-b");
            ConfigEntry retention = admin.describeConfigs(List.of(b))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(b)
                    .get("retention.ms");
            assertThat(retention.value()).isEqualTo("3600000");
        }
        // and they take writes at once, to every partition
        try (KafkaProducer<String, String> producer = KafkaProducers.strings(
                kafka.bootstrapServers(), Map.of("delivery.timeout.ms", 10_000, "request.timeout.ms", 5_000))) {
            for (int partition = 0; partition < 5; partition++) {
                producer.send(new ProducerRecord<>("topics-c", partition, "k", "v"))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aTopicTheClusterRefusesIsNamedWithTheReason() {
        // one broker cannot hold three replicas
        assertThatThrownBy(() -> Topics.create(
                        kafka.bootstrapServers(),
                        Map.of(),
                        Topics.spec(1).replicationFactor((short) 3),
                        "topics-three-replicas"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Cannot create topic topics-three-replicas: ")
                .hasMessageContaining("replication factor");
        assertThatThrownBy(() -> Topics.create(
                        kafka.bootstrapServers(),
                        Map.of(),
                        Topics.spec(1).config(Map.of("cleanup.policy", "nonsense")),
                        "topics-bad-setting"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Cannot create topic topics-bad-setting: ");
    }

    @Test
    void anAbsentBrokerTimesOutWithTheTopicsNamed() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Topics.create(
                        "127.0.0.1:9", // nothing listens there
                        Map.of(),
                        Topics.spec(1).timeout(Duration.ofSeconds(3)),
                        "topics-nowhere"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[topics-nowhere]")
                .hasMessageContaining("PT3S");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void specsAreChecked() {
        assertThatThrownBy(() -> Topics.spec(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.spec(1).replicationFactor((short) 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.spec(1).timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Topics.spec(2).replicationFactor((short) -1).replicationFactor())
                .isEqualTo((short) -1);
    }
}
