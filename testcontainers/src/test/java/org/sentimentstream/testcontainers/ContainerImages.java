package org.sentimentstream.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The images of the tests ({@code images/images.properties}): the official image where Docker has it or can pull
 * it, else the substitute that {@code images/build-offline-images.sh} builds under this project's name
 * ({@code sentiment-stream-offline/...}), declared a compatible substitute for the official one with
 * {@link DockerImageName#asCompatibleSubstituteFor(DockerImageName)} (Testcontainers' KafkaContainer checks that its
 * image is apache/kafka or a declared substitute). Each choice is logged once, with its reason.
 *
 * <p>The choice: {@code -Dsentiment.images.offline} (or the environment variable {@code SENTIMENT_IMAGES_OFFLINE})
 * {@code =true} takes the substitutes without trying the registry, {@code =false} takes the official images only
 * (pulled if missing; a failed pull fails the test), unset or {@code auto} takes the official image when present or
 * pullable and the substitute otherwise. An image under an official name that carries the substitutes' recipe label
 * is a look-alike of an earlier version of the script, never taken for the official one.
 */
public final class ContainerImages {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerImages.class);

    /** The label build-offline-images.sh puts on every image it builds. */
    static final String RECIPE_LABEL = "org.sentimentstream.offline-images.recipe";

    static final String MODE_PROPERTY = "sentiment.images.offline";
    static final String MODE_ENV = "SENTIMENT_IMAGES_OFFLINE";
    /** How long a pull may take to get any answer from the registry before it counts as unreachable. */
    private static final long ANSWER_SECONDS = 30;

    private static final long PULL_MINUTES = 10;

    private static final Properties NAMES = load();
    private static final Map<String, Choice> CHOSEN = new ConcurrentHashMap<>();
    /** Set after the first failed pull of this run, so that the other images do not try again. */
    private static volatile String registryFailure;

    /** The image taken for one of the tests' images ({@code officialName}), and whether it is the official one. */
    public record Choice(DockerImageName image, String officialName, boolean official, String reason) {

        /** The name to hand to docker (compose, build arguments). */
        public String name() {
            return image.asCanonicalNameString();
        }
    }

    private ContainerImages() {}

    public static DockerImageName kafka() {
        return kafkaChoice().image();
    }

    public static DockerImageName flink() {
        return flinkChoice().image();
    }

    public static DockerImageName prometheus() {
        return prometheusChoice().image();
    }

    public static Choice kafkaChoice() {
        return choose("KAFKA");
    }

    public static Choice flinkChoice() {
        return choose("FLINK");
    }

    public static Choice prometheusChoice() {
        return choose("PROMETHEUS");
    }

    private static Choice choose(String key) {
        return CHOSEN.computeIfAbsent(key, k -> {
            Choice choice = decide(k);
            LOG.info("{} image: {}", k.toLowerCase(Locale.ROOT), describe(choice));
            return choice;
        });
    }

    private static String describe(Choice c) {
        return c.official()
                ? c.name() + " (official; " + c.reason() + ")"
                : c.name() + " (substitute for " + c.officialName() + ", built by images/build-offline-images.sh; "
                        + c.reason() + ")";
    }

    private static Choice decide(String key) {
        String officialName = property(key + "_IMAGE");
        String substituteName = property(key + "_OFFLINE_IMAGE");
        DockerImageName official = DockerImageName.parse(officialName);
        DockerImageName substitute = DockerImageName.parse(substituteName).asCompatibleSubstituteFor(official);
        DockerClient docker = DockerClientFactory.instance().client();
        String mode = mode();

        if (mode.equals("true")) {
            requireSubstitute(docker, substituteName, officialName, MODE_PROPERTY + "=true");
            return new Choice(substitute, officialName, false, MODE_PROPERTY + "=true");
        }
        Presence present = presence(docker, officialName);
        if (present == Presence.OFFICIAL) {
            return new Choice(official, officialName, true, "present in Docker");
        }
        // a look-alike under the official name is not taken; a successful pull gives the name to the official image
        String lookAlike = present == Presence.LOOK_ALIKE
                ? "; the image named " + officialName + " here is a look-alike of an earlier build-offline-images.sh"
                        + " (label " + RECIPE_LABEL + "), not the official image: rerun the script to remove it"
                : "";
        String pullFailure = pull(docker, officialName);
        if (pullFailure == null && presence(docker, officialName) == Presence.OFFICIAL) {
            return new Choice(official, officialName, true, "pulled");
        }
        if (pullFailure == null) {
            pullFailure = "the pulled image carries the label " + RECIPE_LABEL;
        }
        if (mode.equals("false")) {
            throw new IllegalStateException("The official image " + officialName + " is not on this machine and"
                    + " cannot be pulled (" + pullFailure + lookAlike + "), and " + MODE_PROPERTY + "=false rules"
                    + " out the substitute " + substituteName);
        }
        requireSubstitute(docker, substituteName, officialName, pullFailure + lookAlike);
        return new Choice(substitute, officialName, false, "official image not available: " + pullFailure + lookAlike);
    }

    /** true, false or auto: the system property, else the environment variable, else auto. */
    static String mode() {
        String value = System.getProperty(MODE_PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(MODE_ENV);
        }
        value = value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false") && !value.equals("auto")) {
            throw new IllegalArgumentException(
                    MODE_PROPERTY + " / " + MODE_ENV + " must be true, false or auto, not '" + value + "'");
        }
        return value;
    }

    private enum Presence {
        OFFICIAL,
        LOOK_ALIKE,
        ABSENT
    }

    private static Presence presence(DockerClient docker, String name) {
        try {
            InspectImageResponse image = docker.inspectImageCmd(name).exec();
            Map<String, String> labels =
                    image.getConfig() == null ? null : image.getConfig().getLabels();
            return labels != null && labels.containsKey(RECIPE_LABEL) ? Presence.LOOK_ALIKE : Presence.OFFICIAL;
        } catch (NotFoundException missing) {
            return Presence.ABSENT;
        }
    }

    private static void requireSubstitute(DockerClient docker, String substitute, String official, String why) {
        try {
            docker.inspectImageCmd(substitute).exec();
        } catch (NotFoundException missing) {
            throw new IllegalStateException("Neither the official image " + official + " (" + why + ") nor its"
                    + " substitute " + substitute + " is available. Without registry access, build the substitutes:"
                    + " sudo testcontainers/images/build-offline-images.sh (see testcontainers/README.md).");
        }
    }

    /**
     * Pulls the image; null when it is there now, else why not. A registry that does not answer within
     * {@value #ANSWER_SECONDS} s counts as unreachable (offline, Docker's own failure comes in well under a second
     * where DNS fails), and after one failure the other images are not tried.
     */
    private static String pull(DockerClient docker, String name) {
        if (registryFailure != null) {
            return "registry not reached earlier in this run: " + registryFailure;
        }
        long start = System.nanoTime();
        DockerImageName image = DockerImageName.parse(name);
        QuietPull pull = null;
        try {
            pull = docker.pullImageCmd(image.getUnversionedPart())
                    .withTag(image.getVersionPart())
                    .exec(new QuietPull());
            if (!pull.awaitCompletion(ANSWER_SECONDS, TimeUnit.SECONDS)) {
                if (!pull.awaitStarted(0, TimeUnit.SECONDS)) {
                    return registryFailed("no answer from the registry in " + ANSWER_SECONDS + " s");
                }
                LOG.info("pulling {} ...", name);
                if (!pull.awaitCompletion(PULL_MINUTES, TimeUnit.MINUTES)) {
                    return registryFailed("pulling took more than " + PULL_MINUTES + " minutes");
                }
            }
            if (pull.error != null) {
                throw pull.error instanceof RuntimeException r ? r : new IllegalStateException(pull.error);
            }
            docker.inspectImageCmd(name).exec();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return registryFailed("interrupted");
        } catch (RuntimeException e) {
            String message = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getMessage().strip();
            return registryFailed("pull failed after " + (System.nanoTime() - start) / 1_000_000 + " ms: " + message);
        } finally {
            if (pull != null) {
                try {
                    pull.close();
                } catch (IOException ignored) {
                    // the pull is over either way
                }
            }
        }
    }

    /** A pull whose failure is reported by {@link #pull}, once, instead of docker-java's ERROR log with a trace. */
    private static final class QuietPull extends PullImageResultCallback {
        private volatile Throwable error;

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            try {
                close();
            } catch (IOException ignored) {
                // closing the stream of a failed pull
            }
        }
    }

    private static String registryFailed(String why) {
        registryFailure = why;
        return why;
    }

    private static String property(String key) {
        String value = NAMES.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("no " + key + " in " + file().toAbsolutePath());
        }
        return value.trim();
    }

    private static Path file() {
        return Path.of(System.getProperty("sentiment.images", "images/images.properties"));
    }

    private static Properties load() {
        Path file = file();
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the image names from " + file.toAbsolutePath(), e);
        }
        return p;
    }
}
