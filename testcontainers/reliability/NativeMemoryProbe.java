import org.sentimentstream.udf.InferenceConfig;
import org.sentimentstream.udf.SentimentScorer;
import org.sentimentstream.udf.SentimentResult;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

/**
 * Native memory that scoring sessions leave behind: opens two scorers (two slots, one intra-op thread each),
 * scores 400 texts with each, closes both, and prints the process's VmRSS; N times over. Run with a fixed,
 * pre-touched heap so that only native memory moves. See native-memory-probe.sh.
 */
public class NativeMemoryProbe {
    static long rssKb() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) if (l.startsWith("VmRSS")) return Long.parseLong(l.replaceAll("\\D", ""));
        return -1;
    }
    public static void main(String[] a) throws Exception {
        InferenceConfig c = InferenceConfig.builder().model(a[0]).intraOpThreads(1).maxBatchSize(16).build();
        int runs = Integer.parseInt(a[1]);
        List<String> texts = new ArrayList<>();
        Random r = new Random(1);
        String[] w = {"great","film","awful","plot","acting","boring","superb","the","a","was"};
        for (int i = 0; i < 400; i++) { StringBuilder b = new StringBuilder(); int n = 5 + r.nextInt(i % 4 == 0 ? 300 : 30); for (int j=0;j<n;j++) b.append(w[r.nextInt(w.length)]).append(' '); texts.add(b.toString()); }
        System.out.println("start: RSS MB " + rssKb()/1024);
        for (int run = 1; run <= runs; run++) {
            List<SentimentScorer> scorers = List.of(SentimentScorer.open(c, 1), SentimentScorer.open(c, 1));
            List<CompletableFuture<SentimentResult>> fs = new ArrayList<>();
            for (String t : texts) for (SentimentScorer s : scorers) fs.add(s.score(t));
            for (var f : fs) f.get(5, TimeUnit.MINUTES);
            long open = rssKb();
            for (SentimentScorer s : scorers) s.close();
            System.gc(); Thread.sleep(1500);
            System.out.println("run " + run + ": RSS MB with the scorers open " + open/1024 + ", after closing them " + rssKb()/1024);
        }
    }
}
