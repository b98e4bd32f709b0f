package org.sentimentstream.testcontainers;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import java.io.IOException;

/**
 * Removes the containers and networks of this test run when the test JVM ends, however it ends (a SIGKILL
 * included), in place of Testcontainers' Ryuk, which needs a pullable image and a privileged container. A
 * detached shell process (its own session, so a Ctrl-C of the build does not take it down) waits for this JVM
 * to exit and then removes everything labelled with this JVM's Testcontainers session id.
 */
public final class ContainerReaper implements LauncherSessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerReaper.class);
    private static boolean started;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        start();
    }

    static synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        String filter = "label=" + DockerClientFactory.TESTCONTAINERS_SESSION_ID_LABEL + "=" + DockerClientFactory.SESSION_ID;
        String script = "while kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; do sleep 1; done;"
                + " c=$(docker ps -aq --filter " + filter + "); [ -n \"$c\" ] && docker rm -f -v $c;"
                + " n=$(docker network ls -q --filter " + filter + "); [ -n \"$n\" ] && docker network rm $n;"
                + " exit 0";
        try {
            new ProcessBuilder("setsid", "sh", "-c", script)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            LOG.info("Containers of Testcontainers session {} are removed when this JVM exits", DockerClientFactory.SESSION_ID);
        } catch (IOException e) {
            LOG.warn("Could not start the container reaper (setsid, sh and docker are needed): containers of this run"
                    + " stay behind if the JVM is killed", e);
        }
    }
}
