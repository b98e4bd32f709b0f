package org.sentimentstream.testcontainers;

import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;

/** A Kafka container and a Flink session cluster with one TaskManager, on a network of their own. */
final class KafkaWithFlinkCluster implements AutoCloseable {

    final Network network = Network.newNetwork();
    final KafkaContainer kafka;
    final FlinkSessionCluster flink;

    KafkaWithFlinkCluster(int slotsPerTaskManager, boolean restartableKafka) {
        this.kafka = restartableKafka ? Containers.restartableKafka(network) : Containers.kafka(network);
        this.flink = new FlinkSessionCluster(network, slotsPerTaskManager);
    }

    static KafkaWithFlinkCluster start(int slotsPerTaskManager) {
        return start(slotsPerTaskManager, false);
    }

    /** {@code restartableKafka}: a broker that can be stopped and started again (see Containers.restartableKafka). */
    static KafkaWithFlinkCluster start(int slotsPerTaskManager, boolean restartableKafka) {
        return new KafkaWithFlinkCluster(slotsPerTaskManager, restartableKafka).startAll();
    }

    /** Starts the broker, the JobManager and one TaskManager (after any set-up of {@link #flink}). */
    KafkaWithFlinkCluster startAll() {
        kafka.start();
        flink.start();
        flink.startTaskManager();
        return this;
    }

    @Override
    public void close() {
        flink.close();
        kafka.stop();
        network.close();
    }
}
