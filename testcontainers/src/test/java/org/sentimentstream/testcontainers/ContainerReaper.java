package org.sentimentstream.testcontainers;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Removes the containers and networks of this test run when the test JVM ends, however it ends (a SIGKILL
 * included), in place of Testcontainers' Ryuk, which needs a pullable image and a privileged container. A
 * detached shell process (its own session, so a Ctrl-C of the build does not take it down) waits for this JVM
 * to exit, then removes everything matching the filters in its file: Testcontainers' session label of this JVM,
 * and whatever a test adds (a compose project's label).
 */
public final class ContainerReaper implements LauncherSessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerReaper.class);
    private static Path filters;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        start();
    }

    /** Also remove, at exit, the containers and networks matching this docker filter ({@code label=k=v}). */
    public static synchronized void removeOnExit(String filter) {
        start();
        try {
            Files.writeString(filters, filter + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized void start() {
        if (filters != null) {
            return;
        }
        try {
            filters = Files.createTempFile("container-reaper-", ".filters");
            Files.writeString(
                    filters,
                    "label=" + DockerClientFactory.TESTCONTAINERS_SESSION_ID_LABEL + "="
                            + DockerClientFactory.SESSION_ID + "\n",
                    StandardCharsets.UTF_8);
            String script = "while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; do sleep 1; done;"
                    + " while read -r f; do"
                    + "   c=$(docker ps -aq --filter \"$f\"); [ -n \"$c\" ] && docker rm -f -v $c;"
                    + "   n=$(docker network ls -q --filter \"$f\"); [ -n \"$n\" ] && docker network rm $n;"
                    + " done < " + filters + "; rm -f " + filters + "; exit 0";
            new ProcessBuilder("setsid", "sh", "-c", script)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            LOG.info(
                    "Containers of Testcontainers session {} are removed when this JVM exits",
                    DockerClientFactory.SESSION_ID);
        } catch (IOException e) {
            LOG.warn(
                    "Could not start the container reaper (setsid, sh and docker are needed): containers of this run"
                            + " stay behind if the JVM is killed",
                    e);
        }
    }
}
