package org.sentimentstream.testcontainers;

import org.sentimentstream.testing.DashboardMetrics;

import org.testcontainers.images.builder.ImageFromDockerfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The production image, {@code deploy/docker/Dockerfile} built from the context the deploy module stages in
 * {@code deploy/target/docker-context/}, on the flink base image (official or offline look-alike), under the
 * name the compose stack uses. Built once per test run.
 */
public final class ProductionImage {

    private static String built;

    private ProductionImage() {}

    public static Path deployDir() {
        return Path.of(System.getProperty("sentiment.deploy.dir", "../deploy"));
    }

    /** The Grafana dashboard of deploy/, for checking its queries against a scrape. */
    public static DashboardMetrics dashboard() throws IOException {
        return DashboardMetrics.read(deployDir().resolve("grafana").resolve("sentiment-stream-dashboard.json"));
    }

    public static synchronized String build() throws Exception {
        if (built == null) {
            ContainerImages.flink(); // its FROM: present, pulled, or a clear error
            Path context = deployDir().resolve("target").resolve("docker-context");
            if (!Files.isRegularFile(context.resolve("Dockerfile"))) {
                throw new IllegalStateException(context + " has no Dockerfile: the deploy module stages it in its"
                        + " package phase (./mvnw -B verify builds it before this module)");
            }
            String name = "sentiment-stream:" + System.getProperty("sentiment.version", "0.1.0-SNAPSHOT");
            built = new ImageFromDockerfile(name, false).withFileFromPath(".", context).get();
        }
        return built;
    }
}
