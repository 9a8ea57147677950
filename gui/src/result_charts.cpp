#include "result_charts.hpp"

#include "chart_parts.hpp"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QHeaderView>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QSplitter>
#include <QTableWidget>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>

namespace flashtwin::gui {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// The middle of each interval, in seconds: where its value is drawn.
std::vector<double> interval_middles(const sim::TimeSeries& series) {
  std::vector<double> x;
  const std::vector<double>& start = series.column("start_s");
  const std::vector<double>& end = series.column("end_s");
  for (std::size_t i = 0; i < series.rows(); ++i)
    x.push_back((start[i] + end[i]) / 2);
  return x;
}

QLineSeries* line(const QString& name, const std::vector<double>& x, const std::vector<double>& y,
                  double scale = 1.0) {
  auto* series = new QLineSeries;
  series->setName(name);
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
    if (!std::isnan(y[i])) series->append(x[i], y[i] * scale);
  return series;
}

// A stacked area chart: each layer on top of the ones before (values times `scale`).
std::vector<QAbstractSeries*> stacked(
    const std::vector<double>& x,
    const std::vector<std::pair<QString, std::vector<double>>>& layers, double scale) {
  std::vector<QAbstractSeries*> out;
  std::vector<double> below(x.size(), 0.0);
  for (const auto& [name, values] : layers) {
    auto* lower = new QLineSeries;
    auto* upper = new QLineSeries;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (std::isnan(values[i])) continue;
      lower->append(x[i], below[i]);
      below[i] += values[i] * scale;
      upper->append(x[i], below[i]);
    }
    auto* area = new QAreaSeries(upper, lower);
    area->setName(name);
    out.push_back(area);
  }
  return out;
}

std::vector<double> array_share(const sim::TimeSeries& s) {
  std::vector<double> share = s.column("read_hit_ratio");
  for (double& v : share)
    v = std::isnan(v) ? v : 1.0 - v;
  return share;
}

// What one chart draws of a results folder: its series, and the lines overlaid for a pinned run.
struct ChartSpec {
  QString tab, title, y_title;
  std::function<std::vector<QAbstractSeries*>(const sim::ResultsFolder&)> series;
  std::function<std::vector<QAbstractSeries*>(const sim::ResultsFolder&)> overlay;  // lines
  // The same run without the tier (timeseries_baseline.csv), when the chart shows it.
  std::function<std::vector<QAbstractSeries*>(const sim::TimeSeries&)> baseline;
};

std::vector<ChartSpec> chart_specs() {
  auto baseline_lines = [](std::vector<std::pair<QString, std::string>> columns,
                           double scale = 1.0) {
    return [columns, scale](const sim::TimeSeries& b) {
      std::vector<QAbstractSeries*> out;
      const std::vector<double> x = interval_middles(b);
      for (const auto& [name, column] : columns)
        if (b.has(column))
          out.push_back(
              line(QStringLiteral("without the tier: ") + name, x, b.column(column), scale));
      return out;
    };
  };
  auto cluster_lines = [](std::vector<std::pair<QString, std::string>> columns, double scale) {
    return [columns, scale](const sim::ResultsFolder& r) {
      std::vector<QAbstractSeries*> out;
      const std::vector<double> x = interval_middles(r.cluster);
      for (const auto& [name, column] : columns)
        if (r.cluster.has(column)) out.push_back(line(name, x, r.cluster.column(column), scale));
      return out;
    };
  };
  auto per_vm = [](const sim::ResultsFolder& r) {
    std::vector<QAbstractSeries*> out;
    for (const std::string& name : r.vm_order) {  // p99 shown; p50 at a click on its legend
      const sim::TimeSeries& vm = r.vms.at(name);
      const QString vm_name = QString::fromStdString(name);
      out.push_back(
          line(vm_name + QStringLiteral(" p99"), interval_middles(vm), vm.column("p99_ms")));
    }
    for (const std::string& name : r.vm_order) {
      const sim::TimeSeries& vm = r.vms.at(name);
      QLineSeries* p50 = line(QString::fromStdString(name) + QStringLiteral(" p50"),
                              interval_middles(vm), vm.column("p50_ms"));
      p50->setVisible(false);
      out.push_back(p50);
    }
    return out;
  };
  auto latency =
      cluster_lines({{QStringLiteral("p50"), "p50_ms"}, {QStringLiteral("p99"), "p99_ms"}}, 1);
  auto array = cluster_lines({{QStringLiteral("reads"), "array_read_iops"},
                              {QStringLiteral("writes"), "array_write_iops"},
                              {QStringLiteral("of which destage"), "array_destage_iops"}},
                             1);
  auto dirty = cluster_lines(
      {{QStringLiteral("dirty"), "dirty_bytes"},
       {QStringLiteral("at risk (one host's flash the only copy)"), "bytes_at_risk"},
       {QStringLiteral("under-protected (fewer copies than asked)"), "underprotected_bytes"}},
      1 / kMiB);
  auto served = [](const sim::ResultsFolder& r) {
    const sim::TimeSeries& c = r.cluster;
    return stacked(interval_middles(c),
                   {{QStringLiteral("local flash"), c.column("local_hit_ratio")},
                    {QStringLiteral("remote flash"), c.column("remote_hit_ratio")},
                    {QStringLiteral("array"), array_share(c)}},
                   100.0);
  };
  auto utilisation = cluster_lines({{QStringLiteral("with the tier"), "array_utilisation"}}, 100.0);
  auto network = [](const sim::ResultsFolder& r) {
    const sim::TimeSeries& c = r.cluster;
    std::vector<std::pair<QString, std::vector<double>>> layers;
    for (const auto& [name, column] :
         {std::pair{"array reads", "network_array_read_mb_per_s"},
          std::pair{"array writes", "network_array_write_mb_per_s"},
          std::pair{"destage", "network_destage_mb_per_s"},
          std::pair{"replication", "network_replication_mb_per_s"},
          std::pair{"remote reads (after a migration)", "network_remote_read_mb_per_s"},
          std::pair{"vMotion memory copy", "network_vmotion_mb_per_s"},
          std::pair{"remote cache (host without flash)", "network_remote_cache_mb_per_s"}}) {
      if (c.has(column)) layers.emplace_back(QString::fromUtf8(name), c.column(column));
    }
    return stacked(interval_middles(c), layers, 1.0);
  };
  auto network_total = cluster_lines({{QStringLiteral("network"), "network_mb_per_s"}}, 1.0);
  auto flash_share =
      cluster_lines({{QStringLiteral("served from flash"), "read_hit_ratio"}}, 100.0);
  return {
      {QStringLiteral("Latency"), QStringLiteral("Cluster latency over time"),
       QStringLiteral("latency (ms)"), latency, latency, nullptr},
      {QStringLiteral("Reads"), QStringLiteral("Where read blocks were served"),
       QStringLiteral("share of read blocks (%)"), served, flash_share, nullptr},
      {QStringLiteral("Array"), QStringLiteral("Array I/O with and without the flash tier"),
       QStringLiteral("array I/O (IOPS)"), array, array,
       baseline_lines({{QStringLiteral("reads"), "array_read_iops"},
                       {QStringLiteral("writes"), "array_write_iops"}})},
      {QStringLiteral("Array busy"),
       QStringLiteral("Array backend utilisation with and without the flash tier"),
       QStringLiteral("backend busy (%)"), utilisation, utilisation,
       baseline_lines({{QStringLiteral("backend busy"), "array_utilisation"}}, 100.0)},
      {QStringLiteral("Network"), QStringLiteral("Network traffic by purpose"),
       QStringLiteral("network (MB/s)"), network, network_total, nullptr},
      {QStringLiteral("Dirty"), QStringLiteral("Dirty data and data at risk"),
       QStringLiteral("data (MiB)"), dirty, dirty, nullptr},
      {QStringLiteral("Per VM"), QStringLiteral("Latency per VM (click the legend: p50, p99)"),
       QStringLiteral("latency (ms)"), per_vm, per_vm, nullptr},
  };
}

// The scenario's events (summary.json keeps the scenario): time and a short description.
std::vector<std::pair<double, QString>> scenario_events(const sim::ResultsFolder& r) {
  std::vector<std::pair<double, QString>> events;
  const nlohmann::json& s = r.summary;
  if (!s.contains("produced_by") || !s["produced_by"].contains("scenario")) return events;
  const nlohmann::json& scenario = s["produced_by"]["scenario"];
  if (!scenario.contains("events") || !scenario["events"].is_array()) return events;
  for (const nlohmann::json& event : scenario["events"]) {
    if (!event.is_object() || !event.contains("at_s") || !event["at_s"].is_number()) continue;
    QString what;
    for (const auto& [key, value] : event.items()) {
      if (key == "at_s") continue;
      what = QString::fromStdString(key);
      for (const char* subject : {"vm", "host", "link"})
        if (value.is_object() && value.contains(subject) && value[subject].is_string())
          what += QLatin1Char(' ') + QString::fromStdString(value[subject].get<std::string>());
    }
    events.emplace_back(event["at_s"].get<double>(), what);
  }
  return events;
}

// Null when the folder has none of the chart's columns (a folder of an older version).
std::optional<NamedChart> build(const ChartSpec& spec, const sim::ResultsFolder& results,
                                const sim::ResultsFolder* pinned) {
  std::vector<QAbstractSeries*> series = spec.series(results);
  if (series.empty()) return std::nullopt;
  if (pinned != nullptr) {
    for (QAbstractSeries* s : series)
      s->setName(QStringLiteral("B: ") + s->name());
    for (QAbstractSeries* s : spec.overlay(*pinned)) {
      s->setName(QStringLiteral("A: ") + s->name());
      if (auto* xy = qobject_cast<QXYSeries*>(s)) {
        QPen pen = xy->pen();
        pen.setStyle(Qt::DashLine);
        pen.setWidthF(2);
        xy->setPen(pen);
      }
      series.push_back(s);
    }
  }
  if (spec.baseline && results.baseline) {
    int shade = 0;
    for (QAbstractSeries* s : spec.baseline(*results.baseline)) {
      auto* xy = qobject_cast<QXYSeries*>(s);
      QPen pen(QColor::fromHsv(0, 0, 60 + 50 * shade++));
      pen.setStyle(Qt::DashDotLine);
      pen.setWidthF(1.5);
      xy->setPen(pen);
      series.push_back(s);
    }
  }
  QChart* chart = titled_chart(spec.title);
  auto* x_axis = new QValueAxis;
  x_axis->setTitleText(QStringLiteral("simulated time (s)"));
  x_axis->setLabelFormat(QStringLiteral("%g"));
  auto* y_axis = new QValueAxis;
  y_axis->setTitleText(spec.y_title);
  y_axis->setLabelFormat(QStringLiteral("%g"));
  chart->addAxis(x_axis, Qt::AlignBottom);
  chart->addAxis(y_axis, Qt::AlignLeft);
  double top = 0, right = 0;
  for (QAbstractSeries* s : series) {
    chart->addSeries(s);
    s->attachAxis(x_axis);
    s->attachAxis(y_axis);
    QXYSeries* points = qobject_cast<QXYSeries*>(s);
    if (auto* area = qobject_cast<QAreaSeries*>(s)) points = area->upperSeries();
    if (points == nullptr) continue;
    if (qobject_cast<QAreaSeries*>(s) == nullptr) show_values_on_hover(points, spec.y_title);
    for (const QPointF& p : points->points()) {
      top = std::max(top, p.y());
      right = std::max(right, p.x());
    }
  }
  // A's lines take the colour of B's line of the same name (dashed: set above).
  for (QAbstractSeries* s : series) {
    auto* a = qobject_cast<QXYSeries*>(s);
    if (a == nullptr || !a->name().startsWith(QStringLiteral("A: "))) continue;
    const QString b_name = QStringLiteral("B: ") + a->name().mid(3);
    for (QAbstractSeries* other : series) {
      if (other->name() != b_name) continue;
      QColor colour;
      if (auto* area = qobject_cast<QAreaSeries*>(other))
        colour = area->color().darker(130);
      else if (auto* b = qobject_cast<QXYSeries*>(other))
        colour = b->pen().color();
      QPen pen = a->pen();
      pen.setColor(colour);
      a->setPen(pen);
    }
  }
  const double y_top = top > 0 ? top * 1.05 : 1;
  y_axis->setRange(0, y_top);
  y_axis->applyNiceNumbers();
  x_axis->setRange(0, right > 0 ? right : 1);
  x_axis->applyNiceNumbers();
  // Events: dotted vertical lines, one legend entry for all of them.
  bool first = true;
  for (const auto& [at_s, what] : scenario_events(results)) {
    auto* marker = new QLineSeries;
    marker->setName(QStringLiteral("scenario events"));
    marker->append(at_s, 0);
    marker->append(at_s, y_axis->max());
    QPen pen(QColor(90, 90, 90));
    pen.setStyle(Qt::DotLine);
    pen.setWidthF(1.5);
    marker->setPen(pen);
    chart->addSeries(marker);
    marker->attachAxis(x_axis);
    marker->attachAxis(y_axis);
    QObject::connect(marker, &QXYSeries::hovered, marker, [at_s, what](const QPointF&, bool state) {
      if (state) QToolTip::showText(QCursor::pos(), QStringLiteral("%1 s: %2").arg(at_s).arg(what));
    });
    if (!first)
      for (QLegendMarker* m : chart->legend()->markers(marker))
        m->setVisible(false);
    first = false;
  }
  toggle_series_from_legend(chart);
  return chart_page(spec.tab, chart, values_table(series));
}

// The latency distribution (latency_cdf.csv): the share of requests at or below each latency, on a
// log latency axis; reads and writes apart, with the tier, without it (baseline), and A's.
NamedChart build_cdf(const sim::ResultsFolder& results, const sim::ResultsFolder* pinned) {
  std::vector<QAbstractSeries*> series;
  auto curve = [&](const sim::TimeSeries& cdf, const std::string& column, const QString& name,
                   Qt::PenStyle style, const QColor& colour) {
    if (!cdf.has(column)) return;
    auto* s = new QLineSeries;
    s->setName(name);
    const std::vector<double>& share = cdf.column("percentile");
    const std::vector<double>& ms = cdf.column(column);
    for (std::size_t i = 0; i < cdf.rows(); ++i)
      if (!std::isnan(ms[i]) && ms[i] > 0) s->append(ms[i], share[i]);
    if (s->count() == 0) {
      delete s;
      return;
    }
    QPen pen(colour);
    pen.setStyle(style);
    pen.setWidthF(2);
    s->setPen(pen);
    series.push_back(s);
  };
  const QColor read(31, 119, 180), write(214, 39, 40);
  const QString b = pinned != nullptr ? QStringLiteral("B: ") : QString();
  if (results.latency_cdf) {
    const sim::TimeSeries& cdf = *results.latency_cdf;
    curve(cdf, "read_ms", b + QStringLiteral("reads"), Qt::SolidLine, read);
    curve(cdf, "write_ms", b + QStringLiteral("writes"), Qt::SolidLine, write);
    curve(cdf, "baseline_read_ms", b + QStringLiteral("reads without the tier"), Qt::DotLine,
          read.lighter(140));
    curve(cdf, "baseline_write_ms", b + QStringLiteral("writes without the tier"), Qt::DotLine,
          write.lighter(140));
  }
  if (pinned != nullptr && pinned->latency_cdf) {
    curve(*pinned->latency_cdf, "read_ms", QStringLiteral("A: reads"), Qt::DashLine,
          read.darker(150));
    curve(*pinned->latency_cdf, "write_ms", QStringLiteral("A: writes"), Qt::DashLine,
          write.darker(150));
  }
  QChart* chart = titled_chart(QStringLiteral("Latency distribution (CDF)"));
  auto* x_axis = new QLogValueAxis;
  x_axis->setTitleText(QStringLiteral("latency (ms, log scale)"));
  x_axis->setLabelFormat(QStringLiteral("%g"));
  x_axis->setBase(10);
  x_axis->setMinorTickCount(-1);
  auto* y_axis = new QValueAxis;
  y_axis->setTitleText(QStringLiteral("requests at or below (%)"));
  y_axis->setRange(0, 100);
  y_axis->setLabelFormat(QStringLiteral("%g"));
  chart->addAxis(x_axis, Qt::AlignBottom);
  chart->addAxis(y_axis, Qt::AlignLeft);
  double low = 0, high = 0;
  for (QAbstractSeries* s : series) {
    chart->addSeries(s);
    s->attachAxis(x_axis);
    s->attachAxis(y_axis);
    auto* xy = qobject_cast<QXYSeries*>(s);
    show_values_on_hover(xy, QStringLiteral("% at or below"));
    for (const QPointF& p : xy->points()) {
      low = low == 0 ? p.x() : std::min(low, p.x());
      high = std::max(high, p.x());
    }
  }
  if (high > 0)
    x_axis->setRange(std::pow(10.0, std::floor(std::log10(low))),
                     std::pow(10.0, std::ceil(std::log10(high))));
  toggle_series_from_legend(chart);
  return chart_page(QStringLiteral("CDF"), chart,
                    values_table(series, QStringLiteral("latency (ms)")));
}

}  // namespace

std::vector<NamedChart> make_result_charts(const sim::ResultsFolder& results,
                                           const sim::ResultsFolder* pinned) {
  std::vector<NamedChart> charts;
  for (const ChartSpec& spec : chart_specs())
    if (std::optional<NamedChart> chart = build(spec, results, pinned)) charts.push_back(*chart);
  if (results.latency_cdf) charts.insert(charts.begin() + 1, build_cdf(results, pinned));
  return charts;
}

QTableWidget* make_key_figures_table(const sim::ResultsFolder& results) {
  const std::vector<sim::Figure> figures = sim::figure_list(sim::key_figures(results));
  auto* table = new QTableWidget(static_cast<int>(figures.size()), 2);
  table->setHorizontalHeaderLabels({QStringLiteral("figure"), QStringLiteral("value")});
  for (std::size_t i = 0; i < figures.size(); ++i) {
    const auto row = static_cast<int>(i);
    table->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(figures[i].name)));
    auto* value = new QTableWidgetItem(shown(figures[i], figures[i].value));
    value->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    table->setItem(row, 1, value);
  }
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table->verticalHeader()->setVisible(false);
  return table;
}

QString shown(const sim::Figure& figure, double value) {
  if (std::isnan(value)) return QStringLiteral("—");
  QString text = QString::number(value, 'f', figure.decimals);
  if (!figure.unit.empty()) text += QLatin1Char(' ') + QString::fromStdString(figure.unit);
  return text;
}

}  // namespace flashtwin::gui
