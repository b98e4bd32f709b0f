package org.sentimentstream.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Python user would run instead, on the same weights and texts: {@code bench/python_peers.py} (transformers'
 * {@code pipeline} on PyTorch and a plain ONNX Runtime + tokenizers loop, batch 32), in a process of its own
 * while nothing else of the benchmark runs. It measures its own CPU time; this class hands it the texts and reads
 * its CSV.
 */
final class PythonPeers {

    static final String SCRIPT = "bench/python_peers.py";

    private PythonPeers() {}

    /** Runs the peers on the texts of {@code --peers-workload} of {@code --peers-model}, into {@code results}. */
    static void run(PipelineBenchmark.Options o, List<String> workloadTexts, Results results) throws Exception {
        if (!Files.isExecutable(o.python)) {
            results.peersSkipped = "skipped: no Python at `" + o.python + "` (create `.venv` with torch, transformers,"
                    + " onnxruntime and tokenizers, or pass `--python`)";
            PipelineBenchmark.log("Python peers %s", results.peersSkipped);
            return;
        }
        Path modelDir = o.models.get(o.peersModel);
        if (modelDir == null || workloadTexts == null) {
            results.peersSkipped = "skipped: no model " + o.peersModel + " (`--peers-model`) or workload "
                    + o.peersWorkload + " (`--peers-workload`) in this run";
            PipelineBenchmark.log("Python peers %s", results.peersSkipped);
            return;
        }
        Path logs = Path.of(".cache/bench-logs");
        Files.createDirectories(logs);
        Path texts = logs.resolve("peers-" + o.peersWorkload + ".txt");
        // one text a line, in the order the job gets them (line breaks inside a text become spaces)
        List<String> lines = new ArrayList<>();
        workloadTexts.forEach(t -> lines.add(t.replace('\n', ' ').replace('\r', ' ')));
        Files.write(texts, lines, StandardCharsets.UTF_8);
        Path csv = o.outDir.resolve("peers.csv");
        Files.createDirectories(o.outDir);
        List<String> cmd = List.of(
                o.python.toString(),
                SCRIPT,
                "--model-dir",
                modelDir.toString(),
                "--model-name",
                o.peersModel,
                "--workload",
                o.peersWorkload,
                "--texts",
                texts.toString(),
                "--seconds",
                String.valueOf(o.peersSeconds),
                "--out",
                csv.toString());
        PipelineBenchmark.log("Python peers: %s", String.join(" ", cmd));
        Path log = logs.resolve("python-peers.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int rc = p.waitFor();
        if (rc != 0) {
            results.peersSkipped = "failed (exit " + rc + "); see `" + log + "`";
            PipelineBenchmark.log("Python peers %s", results.peersSkipped);
            return;
        }
        results.peers.addAll(read(csv));
        for (Results.Peer peer : results.peers) {
            PipelineBenchmark.log(
                    "Python peer %s (%s, %s, batch %d, %d threads): %.1f records/s, %.1f per CPU-second",
                    peer.peer(),
                    peer.model(),
                    peer.workload(),
                    peer.batch(),
                    peer.threads(),
                    peer.rps(),
                    peer.perCpuSecond());
        }
    }

    /** peer,model,workload,batch,threads,records,seconds,cpu_seconds,versions */
    static List<Results.Peer> read(Path csv) throws IOException {
        List<Results.Peer> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", 9);
            out.add(new Results.Peer(
                    f[0],
                    f[1],
                    f[2],
                    Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]),
                    Long.parseLong(f[5]),
                    Double.parseDouble(f[6]),
                    Double.parseDouble(f[7]),
                    f[8]));
        }
        return out;
    }
}
