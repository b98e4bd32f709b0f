package org.sentimentstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Facts read from the deploy/ files themselves, so that the tests compare the manifests with the image as it is
 * built, not with copies of its values. Paths are relative to the deploy module (Maven's working directory).
 */
final class DeployFiles {

    static final Path DOCKERFILE = Path.of("docker", "Dockerfile");
    static final Path BUILD_SCRIPT = Path.of("docker", "build.sh");
    static final Path IMAGE_CONFIG = Path.of("docker", "flink-config.yaml");
    static final Path FLINK_DEPLOYMENT = Path.of("kubernetes", "flink-deployment.yaml");
    static final Path KAFKA_SECRET = Path.of("kubernetes", "kafka-credentials-secret.yaml");
    static final Path SESSION_MEMORY = Path.of("..", "docs", "bench", "session-memory.csv");

    private DeployFiles() {}

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The base image of the Dockerfile's FROM line, e.g. flink:2.2.1-java17: where the line names a build argument
     * ({@code FROM ${BASE_IMAGE}}), that argument's default ({@code ARG BASE_IMAGE=...} before the FROM line).
     */
    static String baseImage() {
        String dockerfile = read(DOCKERFILE);
        String from = group(dockerfile, "(?m)^FROM\\s+(\\S+)\\s*$");
        Matcher arg = Pattern.compile("^\\$\\{(\\w+)}$").matcher(from);
        if (!arg.matches()) {
            return from;
        }
        String beforeFrom = dockerfile.substring(0, dockerfile.indexOf("\nFROM "));
        return group(beforeFrom, "(?m)^ARG\\s+" + Pattern.quote(arg.group(1)) + "=(\\S+)\\s*$");
    }

    /** The base image build.sh passes by default (its BASE_IMAGE). */
    static String buildScriptBaseImage() {
        return group(read(BUILD_SCRIPT), "(?m)^BASE_IMAGE=\"\\$\\{BASE_IMAGE:-([^}]+)}\"\\s*$");
    }

    /** The destination of the Dockerfile's COPY line whose source is {@code source}. */
    static String copyDestination(String source) {
        return group(read(DOCKERFILE), "(?m)^COPY\\s+" + Pattern.quote(source) + "\\s+(\\S+)\\s*$");
    }

    /** Sources of the Dockerfile's COPY lines. */
    static List<String> copySources() {
        Matcher m = Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+\\S+\\s*$")
                .matcher(read(DOCKERFILE));
        List<String> sources = new ArrayList<>();
        while (m.find()) {
            sources.add(m.group(1));
        }
        return sources;
    }

    /** The ports the Dockerfile EXPOSEs. */
    static List<Integer> exposedPorts() {
        List<Integer> ports = new ArrayList<>();
        for (String port :
                group(read(DOCKERFILE), "(?m)^EXPOSE\\s+(.+)$").trim().split("\\s+")) {
            ports.add(Integer.parseInt(port));
        }
        return ports;
    }

    /** The tag build.sh gives the image by default. */
    static String builtImage() {
        return group(read(BUILD_SCRIPT), "(?m)^IMAGE=\"\\$\\{IMAGE:-([^}]+)}\"\\s*$");
    }

    /**
     * The resident memory ONNX Runtime's sessions were measured to add for 2 slots, in MB, for a session-sharing mode
     * (PER_SLOT or SHARED): the highest value over the runs after scoring, the {@code max_mb} of the {@code scored}
     * row of docs/bench/session-memory.csv (SessionMemoryBenchmark, DistilBERT-base shape).
     */
    static int measuredMegabytesForTwoSlots(String sessionSharing) {
        List<String> lines = read(SESSION_MEMORY).lines().toList();
        List<String> header = List.of(lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            List<String> row = List.of(line.split(","));
            if (row.get(header.indexOf("session_sharing")).equals(sessionSharing)
                    && row.get(header.indexOf("slots")).equals("2")
                    && row.get(header.indexOf("point")).equals("scored")) {
                return Integer.parseInt(row.get(header.indexOf("max_mb")));
            }
        }
        throw new AssertionError("No 2-slot 'scored' row for " + sessionSharing + " in " + SESSION_MEMORY);
    }

    static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new AssertionError("No match for " + regex);
        }
        return m.group(1);
    }
}
