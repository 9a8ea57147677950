#include "result_charts.hpp"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QHeaderView>
#include <QLineSeries>
#include <QTableWidget>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <functional>

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

QChartView* chart_view(const QString& title, const QString& x_title, const QString& y_title,
                       const std::vector<QAbstractSeries*>& series) {
  auto* chart = new QChart;
  chart->setTitle(title);
  auto* x_axis = new QValueAxis;
  x_axis->setTitleText(x_title);
  x_axis->setLabelFormat(QStringLiteral("%g"));
  auto* y_axis = new QValueAxis;
  y_axis->setTitleText(y_title);
  y_axis->setLabelFormat(QStringLiteral("%g"));
  chart->addAxis(x_axis, Qt::AlignBottom);
  chart->addAxis(y_axis, Qt::AlignLeft);
  double top = 0, right = 0;
  for (QAbstractSeries* s : series) {
    chart->addSeries(s);
    s->attachAxis(x_axis);
    s->attachAxis(y_axis);
    const QXYSeries* points = qobject_cast<QXYSeries*>(s);
    if (const auto* area = qobject_cast<QAreaSeries*>(s)) points = area->upperSeries();
    if (points != nullptr)
      for (const QPointF& p : points->points()) {
        top = std::max(top, p.y());
        right = std::max(right, p.x());
      }
  }
  y_axis->setRange(0, top > 0 ? top * 1.05 : 1);
  y_axis->applyNiceNumbers();
  x_axis->setRange(0, right > 0 ? right : 1);
  x_axis->applyNiceNumbers();
  chart->legend()->setAlignment(Qt::AlignBottom);
  auto* view = new QChartView(chart);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumSize(480, 320);
  return view;
}

// A stacked area chart: each layer on top of the ones before (values in `scale` units).
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

QString figure(double value, const char* unit, int decimals = 3) {
  if (std::isnan(value)) return QStringLiteral("—");
  return QString::number(value, 'f', decimals) + QLatin1String(unit);
}

}  // namespace

std::vector<NamedChart> make_result_charts(const sim::ResultsFolder& results) {
  const sim::TimeSeries& c = results.cluster;
  const std::vector<double> x = interval_middles(c);
  const QString time = QStringLiteral("simulated time (s)");
  std::vector<NamedChart> charts;
  charts.push_back(
      {QStringLiteral("Latency"),
       chart_view(QStringLiteral("Cluster latency over time"), time, QStringLiteral("latency (ms)"),
                  {line(QStringLiteral("p50"), x, c.column("p50_ms")),
                   line(QStringLiteral("p99"), x, c.column("p99_ms"))})});
  charts.push_back(
      {QStringLiteral("Reads served"),
       chart_view(QStringLiteral("Where read blocks were served"), time,
                  QStringLiteral("share of read blocks (%)"),
                  stacked(x,
                          {{QStringLiteral("local flash"), c.column("local_hit_ratio")},
                           {QStringLiteral("remote flash"), c.column("remote_hit_ratio")},
                           {QStringLiteral("array"), array_share(c)}},
                          100.0))});
  charts.push_back(
      {QStringLiteral("Array"),
       chart_view(QStringLiteral("Array I/O with the flash tier"), time,
                  QStringLiteral("array I/O (IOPS)"),
                  {line(QStringLiteral("reads"), x, c.column("array_read_iops")),
                   line(QStringLiteral("writes"), x, c.column("array_write_iops")),
                   line(QStringLiteral("of which destage"), x, c.column("array_destage_iops"))})});
  charts.push_back(
      {QStringLiteral("Dirty data"),
       chart_view(QStringLiteral("Dirty data and data at risk"), time, QStringLiteral("MiB"),
                  {line(QStringLiteral("dirty"), x, c.column("dirty_bytes"), 1 / kMiB),
                   line(QStringLiteral("at risk (fewer copies than asked)"), x,
                        c.column("underprotected_bytes"), 1 / kMiB)})});
  std::vector<QAbstractSeries*> per_vm;
  for (const std::string& name : results.vm_order) {
    const sim::TimeSeries& vm = results.vms.at(name);
    per_vm.push_back(line(QString::fromStdString(name), interval_middles(vm), vm.column("p99_ms")));
  }
  charts.push_back({QStringLiteral("Per VM"), chart_view(QStringLiteral("p99 latency per VM"), time,
                                                         QStringLiteral("latency (ms)"), per_vm)});
  return charts;
}

QTableWidget* make_key_figures_table(const sim::ResultsFolder& results) {
  const sim::KeyFigures k = sim::key_figures(results);
  const std::vector<std::pair<QString, QString>> rows = {
      {QStringLiteral("read latency p50"), figure(k.read_p50_ms, " ms")},
      {QStringLiteral("read latency p99"), figure(k.read_p99_ms, " ms")},
      {QStringLiteral("write latency p50"), figure(k.write_p50_ms, " ms")},
      {QStringLiteral("write latency p99"), figure(k.write_p99_ms, " ms")},
      {QStringLiteral("read hit ratio (flash)"), figure(k.read_hit_ratio * 100, " %", 1)},
      {QStringLiteral("array reads offloaded"), figure(k.array_read_offload * 100, " %", 1)},
      {QStringLiteral("array writes offloaded"), figure(k.array_write_offload * 100, " %", 1)},
      {QStringLiteral("mean latency gain"), figure(k.latency_gain_mean, " x", 2)},
      {QStringLiteral("dirty data at risk, max"), figure(k.bytes_at_risk_max / kMiB, " MiB", 1)},
      {QStringLiteral("acknowledged writes lost"), figure(k.acknowledged_writes_lost, "", 0)},
      {QStringLiteral("flash wear, most worn host"), figure(k.drive_writes_per_day, " DWPD", 2)},
      {QStringLiteral("consistency"),
       k.consistent ? QStringLiteral("consistent") : QStringLiteral("VIOLATED")},
  };
  auto* table = new QTableWidget(static_cast<int>(rows.size()), 2);
  table->setHorizontalHeaderLabels({QStringLiteral("figure"), QStringLiteral("value")});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    table->setItem(static_cast<int>(i), 0, new QTableWidgetItem(rows[i].first));
    auto* value = new QTableWidgetItem(rows[i].second);
    value->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    table->setItem(static_cast<int>(i), 1, value);
  }
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table->verticalHeader()->setVisible(false);
  return table;
}

}  // namespace flashtwin::gui
