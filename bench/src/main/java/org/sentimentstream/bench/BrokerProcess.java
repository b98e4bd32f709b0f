package org.sentimentstream.bench;

import org.sentimentstream.embedded.EmbeddedKafkaBroker;
import org.sentimentstream.embedded.Topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The KRaft broker of the end-to-end runs, in a JVM of its own, as on a real cluster where the broker is another
 * machine: the benchmark JVM's CPU time is then the job's (plus the harness's own producer and consumer, which
 * {@link E2eHarness.CpuTime} counts apart), and the broker's CPU time is read from {@code /proc} separately.
 */
final class BrokerProcess implements AutoCloseable {

    private static final String READY = "BOOTSTRAP ";

    private final Process process;
    private final String bootstrapServers;
    private final Admin admin;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Starts the child JVM and waits for its broker; its output goes to {@code log}. */
    static BrokerProcess start(Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dlog4j.configurationFile=" + System.getProperty("log4j.configurationFile", ""),
                "-cp",
                System.getProperty("java.class.path"),
                BrokerProcess.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(READY)) {
                return new BrokerProcess(p, line.substring(READY.length()).trim());
            }
        }
        p.destroyForcibly();
        throw new IOException("the broker JVM ended before its broker started; see " + log);
    }

    /** The child JVM: a broker until its standard input closes (the parent ended or closed it). */
    public static void main(String[] args) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            System.out.println(READY + broker.bootstrapServers());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent
            }
        }
        System.exit(0);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    void createTopics(int partitions, String... names) throws Exception {
        Topics.create(admin, Topics.spec(partitions), List.of(names));
    }

    /** CPU seconds the broker JVM has used so far (user + system). */
    double cpuSeconds() {
        try {
            return ProcStat.cpuSeconds(Path.of("/proc", Long.toString(process.pid()), "stat"));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() throws Exception {
        admin.close();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
