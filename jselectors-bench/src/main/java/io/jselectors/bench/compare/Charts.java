package io.jselectors.bench.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The PNG bar charts of a comparison: one group of bars per scenario, one bar per server. */
final class Charts {
    private Charts() {}

    /**
     * Writes {@code <base>-throughput.png} and {@code <base>-cpu.png}.
     *
     * @return the files written
     */
    static List<Path> write(Path dir, String base, List<Scenario> scenarios, List<String> servers,
            List<CellResult> cells) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Scenario> load = scenarios.stream().filter(s -> !s.idleOnly()).toList();
        List<Path> files = new ArrayList<>();
        files.add(chart(dir.resolve(base + "-throughput.png"), "Echo throughput (messages/s, higher is better)",
                "messages/s", load, servers, cells, c -> c.load().messagesPerSecond()));
        files.add(chart(dir.resolve(base + "-cpu.png"),
                "Server CPU per message (us, user + system, lower is better)", "us/message", load, servers, cells,
                c -> c.load().serverCpuMicrosPerMessage()));
        return files;
    }

    private static Path chart(Path file, String title, String yTitle, List<Scenario> scenarios, List<String> servers,
            List<CellResult> cells, ToDoubleFunction<CellResult> metric) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(1400).height(700).title(title)
                .xAxisTitle("scenario").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setAvailableSpaceFill(0.85);
        chart.getStyler().setXAxisLabelRotation(0);
        List<String> x = scenarios.stream().map(Scenario::id).toList();
        int series = 0;
        for (String server : servers) {
            List<Double> y = new ArrayList<>();
            boolean any = false;
            for (Scenario s : scenarios) {
                CellResult c = cells.stream()
                        .filter(r -> r.server().equals(server) && r.scenario().equals(s) && r.ok())
                        .findFirst().orElse(null);
                double v = c == null ? 0 : metric.applyAsDouble(c);
                any |= c != null;
                y.add(Double.isFinite(v) ? v : 0);
            }
            if (any) {
                chart.addSeries(server, x, y);
                series++;
            }
        }
        if (series == 0) {
            chart.addSeries("no results", x, x.stream().map(s -> 0.0).toList());
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
