package org.sentimentstream.testcontainers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/** The JobManager's REST API as an operator uses it: upload a jar, run it, watch and cancel the job. */
public final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL = Set.of("FAILED", "CANCELED", "FINISHED");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    public FlinkRestClient(String host, int port) {
        this.base = URI.create("http://" + host + ":" + port);
    }

    /** POST /jars/upload (multipart, field jarfile); returns the jar id. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----sentiment-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode reply = send(
                HttpRequest.newBuilder(base.resolve("/jars/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())),
                200);
        String path = reply.get("filename").asText();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** POST /jars/{id}/run; returns the job id. */
    public String runJar(String jarId, String entryClass, List<String> args, int parallelism)
            throws IOException, InterruptedException {
        ObjectNode request =
                JSON.createObjectNode().put("entryClass", entryClass).put("parallelism", parallelism);
        args.forEach(request.putArray("programArgsList")::add);
        JsonNode reply = send(
                HttpRequest.newBuilder(base.resolve("/jars/" + jarId + "/run"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))),
                200);
        return reply.get("jobid").asText();
    }

    /** POST /jars/{id}/run from a savepoint; returns the job id. */
    public String runJarFromSavepoint(
            String jarId, String entryClass, List<String> args, int parallelism, String savepointPath)
            throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode()
                .put("entryClass", entryClass)
                .put("parallelism", parallelism)
                .put("savepointPath", savepointPath)
                .put("allowNonRestoredState", false);
        args.forEach(request.putArray("programArgsList")::add);
        JsonNode reply = send(
                HttpRequest.newBuilder(base.resolve("/jars/" + jarId + "/run"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))),
                200);
        return reply.get("jobid").asText();
    }

    /**
     * POST /jobs/{id}/stop: a savepoint in {@code targetDirectory}, then the job finishes (its Kafka transactions
     * committed). Returns the savepoint's path once the job is FINISHED.
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout)
            throws IOException, InterruptedException {
        ObjectNode request =
                JSON.createObjectNode().put("targetDirectory", targetDirectory).put("drain", false);
        String trigger = send(
                        HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "/stop"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))),
                        202)
                .get("request-id")
                .asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (!operation.has("location")) {
                    throw new AssertionError("stop-with-savepoint of " + jobId + " failed: " + operation);
                }
                awaitState(jobId, "FINISHED", timeout);
                return operation.get("location").asText();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no savepoint of " + jobId + " after " + timeout + ": " + status);
            }
            Thread.sleep(500);
        }
    }

    /** POST /jobs/{id}/run of a job whose main method refuses to start: returns the error the REST API answers. */
    public String runJarRefused(String jarId, String entryClass, List<String> args, int parallelism)
            throws IOException, InterruptedException {
        ObjectNode request =
                JSON.createObjectNode().put("entryClass", entryClass).put("parallelism", parallelism);
        args.forEach(request.putArray("programArgsList")::add);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve("/jars/" + jarId + "/run"))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofMinutes(2))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
            throw new AssertionError("the cluster accepted the job: " + response.body());
        }
        return response.body();
    }

    /** PATCH /jobs/{id}?mode=cancel, then waits until the job is CANCELED. */
    public void cancel(String jobId, Duration timeout) throws IOException, InterruptedException {
        send(
                HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()),
                202);
        awaitState(jobId, "CANCELED", timeout);
    }

    /** GET of any resource (logs are text): its status and body as they came. */
    public HttpResponse<String> getText(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofMinutes(2))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), 200);
    }

    /** Waits until the job is RUNNING with every task running (a job can be RUNNING while tasks deploy). */
    public void awaitAllTasksRunning(String jobId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode job = get("/jobs/" + jobId);
            String state = job.get("state").asText();
            failIfTerminal(jobId, state, "RUNNING");
            boolean allRunning = "RUNNING".equals(state);
            for (JsonNode vertex : job.get("vertices")) {
                allRunning &= "RUNNING".equals(vertex.get("status").asText());
            }
            if (allRunning) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " not running after " + timeout + ": " + job);
            }
            Thread.sleep(500);
        }
    }

    public void awaitState(String jobId, String expected, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state;
        while (!(state = get("/jobs/" + jobId).get("state").asText()).equals(expected)) {
            failIfTerminal(jobId, state, expected);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " is " + state + ", not " + expected + ", after " + timeout);
            }
            Thread.sleep(500);
        }
    }

    /** The failures the job has recovered from or died of (its exception history). */
    public int failures(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/exceptions")
                .get("exceptionHistory")
                .get("entries")
                .size();
    }

    /**
     * The values of a job's metrics named {@code name} (the last part of the metric id, e.g. a user metric
     * {@code modelUpdatesRefused}), by metric id ({@code <subtask>.<operator>.<group>.<name>}), over all vertices.
     * The JobManager fetches metrics every few seconds: a value may lag.
     */
    public Map<String, String> metrics(String jobId, String name) throws IOException, InterruptedException {
        Map<String, String> values = new TreeMap<>();
        for (JsonNode vertex : get("/jobs/" + jobId).get("vertices")) {
            String path = "/jobs/" + jobId + "/vertices/" + vertex.get("id").asText() + "/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode metric : get(path)) {
                String id = metric.get("id").asText();
                if (id.endsWith("." + name)) {
                    ids.add(id);
                }
            }
            if (!ids.isEmpty()) {
                for (JsonNode metric : get(path + "?get=" + String.join(",", ids))) {
                    values.put(metric.get("id").asText(), metric.get("value").asText());
                }
            }
        }
        return values;
    }

    /** How many checkpoints of the job completed. */
    public long completedCheckpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints")
                .path("counts")
                .path("completed")
                .asLong();
    }

    /** The id of the checkpoint the job last restored its state from, or -1 if it never restored one. */
    public long restoredCheckpoint(String jobId) throws IOException, InterruptedException {
        JsonNode restored =
                get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
        return restored.isMissingNode() || restored.isNull()
                ? -1
                : restored.get("id").asLong();
    }

    private void failIfTerminal(String jobId, String state, String expected) throws IOException, InterruptedException {
        if (TERMINAL.contains(state) && !state.equals(expected)) {
            throw new AssertionError("job " + jobId + " is " + state + ": " + get("/jobs/" + jobId + "/exceptions"));
        }
    }

    private JsonNode send(HttpRequest.Builder request, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new AssertionError(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }
}
