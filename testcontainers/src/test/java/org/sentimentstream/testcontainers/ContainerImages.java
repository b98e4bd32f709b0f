package org.sentimentstream.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The images of the tests, by the official names in {@code images/images.properties}: present locally (pulled
 * earlier, or built offline by {@code images/build-offline-images.sh}) or pulled now from the registry.
 */
public final class ContainerImages {

    private static final Properties NAMES = load();

    private ContainerImages() {}

    public static DockerImageName kafka() {
        return available("KAFKA_IMAGE");
    }

    public static DockerImageName flink() {
        return available("FLINK_IMAGE");
    }

    public static DockerImageName prometheus() {
        return available("PROMETHEUS_IMAGE");
    }

    private static DockerImageName available(String key) {
        String name = NAMES.getProperty(key);
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(name).exec();
        } catch (NotFoundException missing) {
            pull(docker, name);
        }
        return DockerImageName.parse(name);
    }

    private static void pull(DockerClient docker, String name) {
        try {
            if (!docker.pullImageCmd(name).start().awaitCompletion(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("pulling " + name + " took more than 10 minutes");
            }
        } catch (RuntimeException | InterruptedException e) {
            throw new IllegalStateException("The image " + name + " is not on this machine and cannot be pulled ("
                    + e.getMessage() + "). Without registry access, build it: sudo testcontainers/images/"
                    + "build-offline-images.sh (see README, \"Integration tests against containers\").", e);
        }
    }

    private static Properties load() {
        Path file = Path.of(System.getProperty("sentiment.images", "images/images.properties"));
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the image names from " + file.toAbsolutePath(), e);
        }
        return p;
    }
}
