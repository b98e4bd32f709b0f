package org.sentimentstream.testcontainers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Flink's SQL Gateway through its REST endpoint, as a client without Java uses it (curl, Python): open a session,
 * submit statements one at a time, poll each operation until it ends, fetch its result, close the session.
 */
final class SqlGatewayClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    SqlGatewayClient(String host, int port) {
        this.base = URI.create("http://" + host + ":" + port);
    }

    /** POST /v1/sessions; returns the session handle. */
    String openSession(String name) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("sessionName", name);
        body.putObject("properties");
        return send("POST", "/v1/sessions", body).get("sessionHandle").asText();
    }

    /**
     * POST /v1/sessions/{session}/statements, then GET .../operations/{operation}/status until it is FINISHED
     * (an INSERT finishes once its job is submitted), then its first result page.
     *
     * @throws AssertionError with the Gateway's error (the statement and Flink's reason) when the operation failed
     */
    JsonNode execute(String session, String statement, Duration timeout) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("statement", statement);
        String operation = send("POST", "/v1/sessions/" + session + "/statements", body)
                .get("operationHandle")
                .asText();
        String operationPath = "/v1/sessions/" + session + "/operations/" + operation;
        long deadline = System.nanoTime() + timeout.toNanos();
        String status;
        while (true) {
            status = send("GET", operationPath + "/status", null).get("status").asText();
            if (!status.equals("INITIALIZED") && !status.equals("PENDING") && !status.equals("RUNNING")) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("statement still " + status + " after " + timeout + ": " + statement);
            }
            Thread.sleep(200);
        }
        // An ERROR operation answers its result request with the exception (HTTP 500).
        HttpResponse<String> result = request("GET", operationPath + "/result/0", null);
        if (!status.equals("FINISHED") || result.statusCode() != 200) {
            throw new AssertionError(
                    "statement " + status + " (HTTP " + result.statusCode() + "): " + statement + "\n" + result.body());
        }
        return JSON.readTree(result.body());
    }

    /** The id of the job an INSERT (or EXECUTE STATEMENT SET) submitted, from its result. */
    static String jobId(JsonNode result) {
        if (result.hasNonNull("jobID")) {
            return result.get("jobID").asText();
        }
        return result.path("results")
                .path("data")
                .path(0)
                .path("fields")
                .path(0)
                .asText();
    }

    /** DELETE /v1/sessions/{session}. */
    void closeSession(String session) throws IOException, InterruptedException {
        send("DELETE", "/v1/sessions/" + session, null);
    }

    private JsonNode send(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpResponse<String> response = request(method, path, body);
        if (response.statusCode() != 200) {
            throw new AssertionError(
                    method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> request(String method, String path, JsonNode body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json");
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
