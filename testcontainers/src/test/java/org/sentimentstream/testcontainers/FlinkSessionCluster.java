package org.sentimentstream.testcontainers;

import org.sentimentstream.testing.TestModels;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Flink session cluster of containers from the flink image, set up the way docs/operations.md tells operators to:
 * ONNX Runtime and the DJL tokenizer in {@code /opt/flink/lib/} of every process (the cluster job jar leaves them
 * out), the model in a directory every TaskManager has ({@link #MODEL_DIR}, as a mounted volume would provide),
 * configuration through {@code FLINK_PROPERTIES}. Fast failure detection, so that a lost TaskManager is noticed
 * within seconds.
 */
public final class FlinkSessionCluster implements AutoCloseable {

    /** Where each TaskManager finds the (tiny test) model. */
    public static final String MODEL_DIR = "/opt/sentiment/models/tiny-distilbert";

    public static final String ENTRY_CLASS = "org.sentimentstream.job.cli.Main";

    private final Network network;
    private final int slotsPerTaskManager;
    private final DockerImageName image;
    private final List<Path> libJars;
    private final Map<String, String> taskManagerEnv = new LinkedHashMap<>();
    private final GenericContainer<?> jobManager;
    private final List<GenericContainer<?>> taskManagers = new ArrayList<>();
    /** Further models for the TaskManagers: container directory by host directory. */
    private final Map<Path, String> models = new LinkedHashMap<>();

    private final Map<Path, String> sharedDirectories = new LinkedHashMap<>();
    /** Files and environment variables of every Flink process: container path by host file; value by name. */
    private final Map<Path, String> files = new LinkedHashMap<>();

    private final Map<String, String> env = new LinkedHashMap<>();
    private String jobManagerAlias = "jobmanager";
    private FlinkRestClient rest;

    public FlinkSessionCluster(Network network, int slotsPerTaskManager) {
        this(network, slotsPerTaskManager, ContainerImages.flink(), flinkLibJars());
    }

    /**
     * A session cluster of the production image ({@link ProductionImage}), which has ONNX Runtime and the
     * tokenizer in lib/ already.
     */
    public static FlinkSessionCluster onProductionImage(Network network, int slotsPerTaskManager) throws Exception {
        return new FlinkSessionCluster(
                network, slotsPerTaskManager, DockerImageName.parse(ProductionImage.build()), List.of());
    }

    private FlinkSessionCluster(Network network, int slotsPerTaskManager, DockerImageName image, List<Path> libJars) {
        this.network = network;
        this.slotsPerTaskManager = slotsPerTaskManager;
        this.image = image;
        this.libJars = libJars;
        this.jobManager = withLibJars(new GenericContainer<>(image))
                .withNetwork(network)
                .withNetworkAliases("jobmanager")
                .withCommand("jobmanager")
                .withExposedPorts(8081)
                .withLogConsumer(Containers.logFile("jobmanager"))
                .waitingFor(Wait.forHttp("/overview").forPort(8081).forStatusCode(200))
                .withStartupTimeout(Duration.ofMinutes(3));
    }

    /** An environment variable of every TaskManager started from now on (e.g. MALLOC_ARENA_MAX). */
    public FlinkSessionCluster withTaskManagerEnv(String name, String value) {
        taskManagerEnv.put(name, value);
        return this;
    }

    /**
     * A file that the JobManager and every TaskManager have at {@code containerPath} (as a mounted Secret would
     * provide). Before {@link #start()}.
     */
    public FlinkSessionCluster withFile(Path hostFile, String containerPath) {
        files.put(hostFile, containerPath);
        jobManager.withCopyFileToContainer(MountableFile.forHostPath(hostFile, 0644), containerPath);
        return this;
    }

    /**
     * Makes the JobManager an application cluster's ({@code standalone-job}, as the Kubernetes operator starts one)
     * that runs the cluster job jar from {@code /opt/flink/usrlib/} with {@code programArgs}, under another network
     * alias than a session cluster's, so that both can share a network. Before {@link #start()}.
     */
    public FlinkSessionCluster asApplicationCluster(String alias, List<String> programArgs) {
        List<String> command = new ArrayList<>(List.of("standalone-job", "--job-classname", ENTRY_CLASS));
        command.addAll(programArgs);
        jobManagerAlias = alias;
        jobManager
                .withCommand(command.toArray(String[]::new))
                .withCopyFileToContainer(
                        MountableFile.forHostPath(clusterJobJar(), 0644), "/opt/flink/usrlib/sentiment-stream-job.jar")
                .setNetworkAliases(new ArrayList<>(List.of(alias)));
        return this;
    }

    /** An environment variable of the JobManager and every TaskManager. Before {@link #start()}. */
    public FlinkSessionCluster withEnv(String name, String value) {
        env.put(name, value);
        jobManager.withEnv(name, value);
        return this;
    }

    /** Another model for every TaskManager started from now on, in {@code containerDir}. */
    public FlinkSessionCluster withModel(Path hostDir, String containerDir) {
        models.put(hostDir, containerDir);
        return this;
    }

    /**
     * A host directory that the JobManager and every TaskManager see at {@code containerPath}, as a shared volume
     * would provide: for savepoints. Before {@link #start()}.
     */
    public FlinkSessionCluster withSharedDirectory(Path hostDir, String containerPath) {
        hostDir.toFile().setWritable(true, false); // the flink user of the containers writes there
        sharedDirectories.put(hostDir, containerPath);
        bind(jobManager, hostDir, containerPath);
        return this;
    }

    /**
     * A bind mount set on the create command: Testcontainers' own file-system binds first check that mounting works
     * with an alpine container, which cannot be pulled where no registry answers.
     */
    private static void bind(GenericContainer<?> container, Path hostDir, String containerPath) {
        container.withCreateContainerCmdModifier(cmd -> {
            List<Bind> binds = new ArrayList<>(
                    cmd.getHostConfig().getBinds() == null
                            ? List.of()
                            : List.of(cmd.getHostConfig().getBinds()));
            binds.add(new Bind(hostDir.toAbsolutePath().toString(), new Volume(containerPath)));
            cmd.getHostConfig().withBinds(binds);
        });
    }

    public FlinkSessionCluster start() {
        jobManager.withEnv("FLINK_PROPERTIES", properties());
        jobManager.start();
        rest = new FlinkRestClient(jobManager.getHost(), jobManager.getMappedPort(8081));
        return this;
    }

    /** Starts one more TaskManager and waits until it has registered its slots. */
    public GenericContainer<?> startTaskManager() {
        int n = taskManagers.size() + 1;
        GenericContainer<?> tm = withLibJars(new GenericContainer<>(image))
                .withNetwork(network)
                .withNetworkAliases("taskmanager-" + n)
                .withCommand("taskmanager")
                .withEnv("FLINK_PROPERTIES", properties())
                .withCopyFileToContainer(MountableFile.forHostPath(TestModels.tinyModelDir(), 0755), MODEL_DIR)
                .withLogConsumer(Containers.logFile("taskmanager-" + n))
                .waitingFor(Wait.forLogMessage(".*Successful registration at resource manager.*", 1))
                .withStartupTimeout(Duration.ofMinutes(3));
        taskManagerEnv.forEach(tm::withEnv);
        env.forEach(tm::withEnv);
        files.forEach((host, path) -> tm.withCopyFileToContainer(MountableFile.forHostPath(host, 0644), path));
        models.forEach((host, dir) -> tm.withCopyFileToContainer(MountableFile.forHostPath(host, 0755), dir));
        sharedDirectories.forEach((host, dir) -> bind(tm, host, dir));
        tm.start();
        taskManagers.add(tm);
        return tm;
    }

    /** SIGKILL, as when a node dies or the kernel's OOM killer strikes: no shutdown hooks, no goodbyes. */
    public void kill(GenericContainer<?> taskManager) {
        DockerClientFactory.instance()
                .client()
                .killContainerCmd(taskManager.getContainerId())
                .withSignal("KILL")
                .exec();
        taskManager.stop();
        taskManagers.remove(taskManager);
    }

    public FlinkRestClient rest() {
        return rest;
    }

    public GenericContainer<?> jobManager() {
        return jobManager;
    }

    public List<GenericContainer<?>> taskManagers() {
        return List.copyOf(taskManagers);
    }

    /** The job jar without ONNX Runtime and DJL, for clusters that have them in lib/ (built by the job module). */
    public static Path clusterJobJar() {
        Path jar = Path.of(System.getProperty("sentiment.job.cluster-jar", "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the job module first (./mvnw -B verify builds"
                    + " it before this module)");
        }
        return jar;
    }

    private String properties() {
        return String.join(
                "\n",
                "jobmanager.rpc.address: " + jobManagerAlias,
                "taskmanager.numberOfTaskSlots: " + slotsPerTaskManager,
                "parallelism.default: " + slotsPerTaskManager,
                "jobmanager.memory.process.size: 1200m",
                "taskmanager.memory.process.size: 1600m",
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 10000",
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 20",
                "restart-strategy.fixed-delay.delay: 2 s");
    }

    private GenericContainer<?> withLibJars(GenericContainer<?> container) {
        for (Path jar : libJars) {
            container.withCopyFileToContainer(
                    MountableFile.forHostPath(jar, 0644), "/opt/flink/lib/" + jar.getFileName());
        }
        return container;
    }

    /** The jars of {@code job/target/flink-lib/} (ONNX Runtime, the DJL tokenizer), for lib/ of every Flink process. */
    static List<Path> flinkLibJars() {
        Path dir = Path.of(System.getProperty("sentiment.flink-lib", "missing"));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jars =
                    files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            if (jars.stream().noneMatch(p -> p.getFileName().toString().startsWith("onnxruntime-"))
                    || jars.stream().noneMatch(p -> p.getFileName().toString().startsWith("tokenizers-"))) {
                throw new IllegalStateException(dir + " lacks the ONNX Runtime or DJL tokenizer jar");
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + " is missing: build the job module first", e);
        }
    }

    @Override
    public void close() {
        taskManagers.forEach(GenericContainer::stop);
        jobManager.stop();
    }
}
