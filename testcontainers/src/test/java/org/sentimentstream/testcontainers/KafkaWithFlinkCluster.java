package org.sentimentstream.testcontainers;

import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;

/** A Kafka container and a Flink session cluster with one TaskManager, on a network of their own. */
final class KafkaWithFlinkCluster implements AutoCloseable {

    final Network network = Network.newNetwork();
    final KafkaContainer kafka = Containers.kafka(network);
    final FlinkSessionCluster flink;

    KafkaWithFlinkCluster(int slotsPerTaskManager) {
        this.flink = new FlinkSessionCluster(network, slotsPerTaskManager);
    }

    static KafkaWithFlinkCluster start(int slotsPerTaskManager) {
        KafkaWithFlinkCluster cluster = new KafkaWithFlinkCluster(slotsPerTaskManager);
        cluster.kafka.start();
        cluster.flink.start();
        cluster.flink.startTaskManager();
        return cluster;
    }

    @Override
    public void close() {
        flink.close();
        kafka.stop();
        network.close();
    }
}
