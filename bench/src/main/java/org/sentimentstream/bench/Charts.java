package org.sentimentstream.bench;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The report's chart (JFreeChart, PNG): the latency-load curve and the CPU each load took. */
final class Charts {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
    private static final String[] PERCENTILES = {"p50", "p99", "p99.9"};

    private Charts() {}

    /**
     * Top: p50, p99 and p99.9 against the offered load, per guarantee (EXACTLY_ONCE dashed), on a log axis with the
     * 250 ms line; bottom: cores of the job, the broker and the load generator, and the whole machine's.
     */
    static void latencyLoad(List<Results.Latency> runs, Path png) throws IOException {
        XYSeriesCollection latency = new XYSeriesCollection();
        XYLineAndShapeRenderer latencyLines = new XYLineAndShapeRenderer(true, true);
        List<String> guarantees =
                runs.stream().map(Results.Latency::guarantee).distinct().toList();
        for (int g = 0; g < guarantees.size(); g++) {
            String guarantee = guarantees.get(g);
            List<Results.Latency> of =
                    runs.stream().filter(l -> l.guarantee().equals(guarantee)).toList();
            for (int p = 0; p < PERCENTILES.length; p++) {
                int index = latency.getSeriesCount();
                latency.addSeries(series(guarantee + " " + PERCENTILES[p], of, percentile(p)));
                latencyLines.setSeriesPaint(index, COLORS[p]);
                latencyLines.setSeriesStroke(
                        index,
                        g == 0
                                ? new BasicStroke(2f)
                                : new BasicStroke(
                                        2f,
                                        BasicStroke.CAP_BUTT,
                                        BasicStroke.JOIN_MITER,
                                        10f,
                                        new float[] {6f, 4f},
                                        0f));
            }
        }
        LogAxis ms = new LogAxis("latency, ms (log)");
        ms.setSmallestValue(1);
        ms.setNumberFormatOverride(new DecimalFormat("#,##0"));
        XYPlot top = new XYPlot(latency, null, ms, latencyLines);
        ValueMarker target = new ValueMarker(PipelineBenchmark.STEADY_P99_MS);
        target.setPaint(Color.GRAY);
        target.setLabel(PipelineBenchmark.STEADY_P99_MS + " ms ");
        target.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        target.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        top.addRangeMarker(target);

        XYSeriesCollection cores = new XYSeriesCollection();
        List<Results.Latency> first = runs.stream()
                .filter(l -> l.guarantee().equals(guarantees.get(0)))
                .toList();
        cores.addSeries(series("job (" + guarantees.get(0) + ")", first, Results.Latency::jobCores));
        cores.addSeries(series("broker", first, Results.Latency::brokerCores));
        cores.addSeries(series("load generator", first, Results.Latency::loadGeneratorCores));
        cores.addSeries(series("whole machine", first, Results.Latency::machineCores));
        XYLineAndShapeRenderer coreLines = new XYLineAndShapeRenderer(true, true);
        Color[] coreColors = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x9467bd), Color.DARK_GRAY};
        for (int i = 0; i < coreColors.length; i++) {
            coreLines.setSeriesPaint(i, coreColors[i]);
        }
        XYPlot bottom = new XYPlot(cores, null, new NumberAxis("cores"), coreLines);

        NumberAxis load = new NumberAxis("offered load, % of the capacity");
        load.setRange(0, 100);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(load);
        plot.add(top, 3);
        plot.add(bottom, 1);
        JFreeChart chart = new JFreeChart("Latency against load", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Results.Latency any = runs.get(0);
        chart.addSubtitle(new TextTitle(any.model() + ", " + any.workload() + ", open loop, checkpoint every "
                + any.checkpointMs() + " ms (EXACTLY_ONCE dashed)"));
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 700);
    }

    private static ToDoubleFunction<Results.Latency> percentile(int p) {
        return switch (p) {
            // at least 1 ms: the axis is logarithmic
            case 0 -> l -> Math.max(1, l.p50());
            case 1 -> l -> Math.max(1, l.p99());
            default -> l -> Math.max(1, l.p999());
        };
    }

    private static XYSeries series(String name, List<Results.Latency> runs, ToDoubleFunction<Results.Latency> y) {
        XYSeries s = new XYSeries(name);
        for (Results.Latency l : runs) {
            s.add(l.load(), y.applyAsDouble(l));
        }
        return s;
    }
}
