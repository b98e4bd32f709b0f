package org.sentimentstream.testcontainers;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.kafka.KafkaContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The Kafka container of the tests, and container logs kept in files for the post-mortem of a failed run. */
public final class Containers {

    /** Where containers on the tests' network reach Kafka. */
    public static final String KAFKA_IN_NETWORK = "kafka:19092";

    private Containers() {}

    /** A single-node KRaft broker, on {@code network} (may be null) as {@link #KAFKA_IN_NETWORK}. */
    public static KafkaContainer kafka(Network network) {
        KafkaContainer kafka = new KafkaContainer(ContainerImages.kafka())
                .withStartupTimeout(Duration.ofMinutes(3))
                .withLogConsumer(logFile("kafka"));
        if (network != null) {
            kafka.withNetwork(network).withNetworkAliases("kafka").withListener(KAFKA_IN_NETWORK);
        }
        return kafka;
    }

    /**
     * A broker that keeps its address through {@code docker stop} and {@code docker start}: its host port is fixed
     * (Docker may hand out another ephemeral port on start, and the broker advertises the first one), and its data
     * stays in the container.
     */
    public static KafkaContainer restartableKafka(Network network) {
        int hostPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            hostPort = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KafkaContainer kafka = kafka(network);
        kafka.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                .withPortBindings(new PortBinding(Ports.Binding.bindPort(hostPort), new ExposedPort(9092))));
        return kafka;
    }

    private static final Set<Path> STARTED_IN_THIS_RUN = ConcurrentHashMap.newKeySet();

    /** Appends a container's output to {@code target/container-logs/<name>.log} (emptied once per test run). */
    public static Consumer<OutputFrame> logFile(String name) {
        Path file = Path.of("target", "container-logs", name + ".log");
        try {
            Files.createDirectories(file.getParent());
            if (STARTED_IN_THIS_RUN.add(file)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frame -> {
            try {
                Files.writeString(
                        file,
                        frame.getUtf8String(),
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
