package org.sentimentstream.testcontainers;

import org.sentimentstream.testing.DashboardMetrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The production image, {@code deploy/docker/Dockerfile} built from the context the deploy module stages in
 * {@code deploy/target/docker-context/}, on the flink image that {@link ContainerImages} chose (build argument
 * {@code BASE_IMAGE}: the official image, or the project's offline substitute). On the official base it gets the
 * name the compose stack uses by default; on the substitute, {@code sentiment-stream-offline/sentiment-stream}, so
 * that no image named like the production one stands on a look-alike. Built once per test run.
 */
public final class ProductionImage {

    private static final Logger LOG = LoggerFactory.getLogger(ProductionImage.class);

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
            ContainerImages.Choice base = ContainerImages.flinkChoice(); // its FROM: present, pulled, or a clear error
            Path context = deployDir().resolve("target").resolve("docker-context");
            if (!Files.isRegularFile(context.resolve("Dockerfile"))) {
                throw new IllegalStateException(context + " has no Dockerfile: the deploy module stages it in its"
                        + " package phase (./mvnw -B verify builds it before this module)");
            }
            String name = (base.official() ? "" : "sentiment-stream-offline/") + "sentiment-stream:"
                    + System.getProperty("sentiment.version", "0.1.0-SNAPSHOT");
            built = new ImageFromDockerfile(name, false)
                    .withFileFromPath(".", context)
                    .withBuildArg("BASE_IMAGE", base.name())
                    .get();
            LOG.info("production image {} built FROM {}", built, base.name());
        }
        return built;
    }
}
