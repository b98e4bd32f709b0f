package org.sentimentstream.cli.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Accuracy, confusion matrix and per-label precision, recall and F1 of labelled predictions. */
public final class Evaluation {

    /** One labelled, scored example. */
    public record Example(String text, String gold, String predicted, double score, double latencyMs) {

        boolean correct() {
            return gold.equals(predicted);
        }
    }

    private final List<String> labels;
    private final List<Example> examples = new ArrayList<>();
    private final long[][] confusion;
    private int skipped;

    public Evaluation(List<String> labels) {
        this.labels = List.copyOf(labels);
        this.confusion = new long[labels.size()][labels.size()];
    }

    public void add(Example e) {
        examples.add(e);
        confusion[labels.indexOf(e.gold())][labels.indexOf(e.predicted())]++;
    }

    public void skip() {
        skipped++;
    }

    public int size() {
        return examples.size();
    }

    public int skipped() {
        return skipped;
    }

    public double accuracy() {
        long correct = 0;
        for (int i = 0; i < labels.size(); i++) {
            correct += confusion[i][i];
        }
        return examples.isEmpty() ? 0 : (double) correct / examples.size();
    }

    /** confusion()[gold][predicted]. */
    public long[][] confusion() {
        long[][] copy = new long[labels.size()][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    public double precision(String label) {
        int k = labels.indexOf(label);
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[k];
        }
        return predicted == 0 ? 0 : (double) confusion[k][k] / predicted;
    }

    public double recall(String label) {
        int k = labels.indexOf(label);
        long gold = 0;
        for (long c : confusion[k]) {
            gold += c;
        }
        return gold == 0 ? 0 : (double) confusion[k][k] / gold;
    }

    public double f1(String label) {
        double p = precision(label);
        double r = recall(label);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public List<Example> mostConfidentlyWrong(int n) {
        return examples.stream()
                .filter(e -> !e.correct())
                .sorted(Comparator.comparingDouble((Example e) -> e.score).reversed())
                .limit(n)
                .toList();
    }

    public List<Example> slowest(int n) {
        return examples.stream()
                .sorted(Comparator.comparingDouble((Example e) -> e.latencyMs()).reversed())
                .limit(n)
                .toList();
    }

    public ObjectNode toJson(String model, String data) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("model", model);
        root.put("data", data);
        root.put("examples", examples.size());
        root.put("skipped", skipped);
        root.put("accuracy", accuracy());
        ObjectNode matrix = root.putObject("confusion");
        for (int g = 0; g < labels.size(); g++) {
            ObjectNode row = matrix.putObject(labels.get(g));
            for (int p = 0; p < labels.size(); p++) {
                row.put(labels.get(p), confusion[g][p]);
            }
        }
        ObjectNode perLabel = root.putObject("perLabel");
        for (String label : labels) {
            perLabel.putObject(label)
                    .put("precision", precision(label))
                    .put("recall", recall(label))
                    .put("f1", f1(label));
        }
        root.set("mostConfidentlyWrong", examplesJson(json, mostConfidentlyWrong(10)));
        root.set("slowest", examplesJson(json, slowest(10)));
        return root;
    }

    private static ArrayNode examplesJson(ObjectMapper json, List<Example> list) {
        ArrayNode a = json.createArrayNode();
        for (Example e : list) {
            a.addObject()
                    .put("text", e.text())
                    .put("gold", e.gold())
                    .put("predicted", e.predicted())
                    .put("score", e.score)
                    .put("latencyMs", e.latencyMs());
        }
        return a;
    }

    public String toMarkdown(String model, String data) {
        StringBuilder md = new StringBuilder();
        md.append("# Evaluation\n\n");
        md.append(String.format(
                Locale.ROOT,
                "- model: `%s`%n- data: `%s`%n- examples: %d (skipped without a usable"
                        + " label or text: %d)%n- **accuracy: %.4f**%n%n",
                model,
                data,
                examples.size(),
                skipped,
                accuracy()));
        md.append("## Confusion matrix (rows: gold, columns: predicted)\n\n| gold \\ predicted |");
        labels.forEach(l -> md.append(' ').append(l).append(" |"));
        md.append("\n|---|").append("---|".repeat(labels.size())).append('\n');
        for (int g = 0; g < labels.size(); g++) {
            md.append("| ").append(labels.get(g)).append(" |");
            for (int p = 0; p < labels.size(); p++) {
                md.append(' ').append(confusion[g][p]).append(" |");
            }
            md.append('\n');
        }
        md.append("\n## Per label\n\n| label | precision | recall | F1 |\n|---|---|---|---|\n");
        for (String l : labels) {
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f |%n", l, precision(l), recall(l), f1(l)));
        }
        md.append("\n## Most confidently wrong\n\n| score | gold | predicted | text |\n|---|---|---|---|\n");
        for (Example e : mostConfidentlyWrong(10)) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %.4f | %s | %s | %s |%n",
                    e.score,
                    e.gold(),
                    e.predicted(),
                    e.text().replace("|", "\\|")));
        }
        md.append("\n## Slowest (queue + inference, ms)\n\n| ms | text |\n|---|---|\n");
        for (Example e : slowest(10)) {
            md.append(String.format(
                    Locale.ROOT, "| %.1f | %s |%n", e.latencyMs(), e.text().replace("|", "\\|")));
        }
        return md.toString();
    }
}
