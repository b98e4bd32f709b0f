package org.sentimentstream.testcontainers;

import com.fasterxml.jackson.databind.JsonNode;
import org.testcontainers.containers.GenericContainer;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a Flink session cluster shows about a job to whoever can reach it: the REST API that the web UI
 * renders (job, configuration, plan, exceptions, environment, logs and metrics of every process, with every
 * metric's value) and the containers' own output ({@code docker logs}). Each surface by name, with its text; one
 * the cluster does not serve (HTTP 404) is listed with the status only, so a test can tell searched from absent.
 */
final class FlinkSurfaces {

    /** One surface: its name (a REST path or {@code docker logs <container>}), HTTP status and text. */
    record Surface(String name, int status, String text) {}

    private FlinkSurfaces() {}

    static Map<String, Surface> of(FlinkSessionCluster flink, String jobId) throws Exception {
        FlinkRestClient rest = flink.rest();
        Map<String, Surface> surfaces = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>(List.of(
                "/",
                "/config",
                "/jobs/" + jobId,
                "/jobs/" + jobId + "/config",
                "/jobs/" + jobId + "/plan",
                "/jobs/" + jobId + "/exceptions",
                "/jobs/" + jobId + "/checkpoints/config",
                "/jobs/" + jobId + "/jobmanager/config",
                "/jobs/" + jobId + "/jobmanager/environment",
                "/jobmanager/config",
                "/jobmanager/environment",
                "/jobmanager/logs",
                "/jobmanager/log",
                "/jobmanager/stdout",
                "/jars",
                "/taskmanagers"));
        for (JsonNode tm : rest.get("/taskmanagers").get("taskmanagers")) {
            String id = tm.get("id").asText();
            paths.addAll(List.of(
                    "/taskmanagers/" + id,
                    "/taskmanagers/" + id + "/logs",
                    "/taskmanagers/" + id + "/log",
                    "/taskmanagers/" + id + "/stdout"));
            addMetrics(rest, surfaces, "/taskmanagers/" + id + "/metrics");
        }
        for (String path : paths) {
            HttpResponse<String> response = rest.getText(path);
            surfaces.put(path, new Surface(path, response.statusCode(), response.body()));
        }
        addMetrics(rest, surfaces, "/jobmanager/metrics");
        addMetrics(rest, surfaces, "/jobs/" + jobId + "/metrics");
        for (JsonNode vertex : rest.get("/jobs/" + jobId).get("vertices")) {
            addMetrics(
                    rest,
                    surfaces,
                    "/jobs/" + jobId + "/vertices/" + vertex.get("id").asText() + "/metrics");
            addMetrics(
                    rest,
                    surfaces,
                    "/jobs/" + jobId + "/vertices/" + vertex.get("id").asText() + "/subtasks/metrics");
        }
        addLogs(surfaces, flink.jobManager());
        flink.taskManagers().forEach(tm -> addLogs(surfaces, tm));
        return surfaces;
    }

    /** A metrics resource: the names it lists, then every value, fetched in chunks of 40 names. */
    private static void addMetrics(FlinkRestClient rest, Map<String, Surface> surfaces, String path)
            throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        rest.get(path).forEach(metric -> names.add(metric.get("id").asText()));
        StringBuilder text = new StringBuilder(String.join("\n", names)).append('\n');
        for (int i = 0; i < names.size(); i += 40) {
            List<String> chunk = names.subList(i, Math.min(i + 40, names.size()));
            StringBuilder query = new StringBuilder();
            for (String name : chunk) {
                query.append(query.length() == 0 ? "" : ",").append(URLEncoder.encode(name, StandardCharsets.UTF_8));
            }
            HttpResponse<String> values = rest.getText(path + "?get=" + query);
            text.append(values.body()).append('\n');
        }
        surfaces.put(path, new Surface(path + " (" + names.size() + " metrics, with values)", 200, text.toString()));
    }

    private static void addLogs(Map<String, Surface> surfaces, GenericContainer<?> container) {
        String name = "docker logs "
                + container
                        .getNetworkAliases()
                        .get(container.getNetworkAliases().size() - 1);
        surfaces.put(name, new Surface(name, 200, container.getLogs()));
    }

    /** The names of the surfaces served (HTTP 200) whose text contains {@code secret}. */
    static List<String> containing(Map<String, Surface> surfaces, String secret) {
        return surfaces.values().stream()
                .filter(s -> s.status() == 200 && s.text().contains(secret))
                .map(Surface::name)
                .toList();
    }
}
