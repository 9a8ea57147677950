#include "sweep_report.hpp"

#include "chart_parts.hpp"
#include "export.hpp"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QScatterSeries>
#include <QTableWidget>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>

namespace flashtwin::gui {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kMiB = 1024.0 * 1024.0;

bool ran(const sim::DesignOutcome& o) {
  return o.status == sim::DesignStatus::ok || o.status == sim::DesignStatus::check_failed;
}

QValueAxis* value_axis(const QString& title, double low, double high) {
  auto* axis = new QValueAxis;
  axis->setTitleText(title);
  axis->setLabelFormat(QStringLiteral("%g"));
  const double span = high > low ? high - low : std::max(std::abs(high), 1.0);
  axis->setRange(low == 0 ? 0 : low - 0.05 * span, high + 0.05 * span);  // no room below a 0
  axis->applyNiceNumbers();
  return axis;
}

// Every design that ran as a point (x = cost, y = `y` of it), the Pareto front's points marked.
QChart* scatter_against_cost(const sim::SweepResultsFile& r, const QString& title,
                             const QString& y_title, double (*y)(const sim::DesignOutcome&)) {
  auto* designs = new QScatterSeries;
  designs->setName(QStringLiteral("design"));
  designs->setMarkerSize(9);
  auto* front = new QScatterSeries;
  front->setName(QStringLiteral("on the Pareto front"));
  front->setMarkerSize(15);
  front->setColor(QColor(200, 40, 40));
  front->setBorderColor(QColor(120, 0, 0));
  double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
  for (const sim::DesignOutcome& o : r.outcomes) {
    const double value = y(o);
    if (!ran(o) || std::isnan(value) || std::isnan(o.cost)) continue;
    (o.pareto ? front : designs)->append(o.cost, value);
    x_low = std::min(x_low, o.cost);
    x_high = std::max(x_high, o.cost);
    y_low = std::min(y_low, value);
    y_high = std::max(y_high, value);
  }
  QChart* chart = titled_chart(title);
  const QString currency = QString::fromStdString(r.currency);
  QValueAxis* x_axis =
      value_axis(QStringLiteral("cost (%1)").arg(currency), std::isfinite(x_low) ? x_low : 0,
                 std::isfinite(x_high) ? x_high : 1);
  QValueAxis* y_axis = value_axis(y_title, std::isfinite(y_low) ? std::min(0.0, y_low) : 0,
                                  std::isfinite(y_high) ? y_high : 1);
  chart->addAxis(x_axis, Qt::AlignBottom);
  chart->addAxis(y_axis, Qt::AlignLeft);
  for (QScatterSeries* s : {designs, front}) {
    chart->addSeries(s);
    s->attachAxis(x_axis);
    s->attachAxis(y_axis);
    show_values_on_hover(s, y_title, currency);
  }
  toggle_series_from_legend(chart);
  return chart;
}

// The axis whose paths set a replica count, if the sweep has one.
const sim::SweepAxis* replica_axis(const sim::SweepResultsFile& r) {
  for (const sim::SweepAxis& axis : r.axes)
    for (const std::string& path : axis.paths)
      if (path.ends_with("replicas")) return &axis;
  return nullptr;
}

// The largest data at risk among the designs with each replica count, as bars.
QChart* risk_per_replicas(const sim::SweepResultsFile& r, const sim::SweepAxis& axis) {
  const auto at = std::find_if(r.axes.begin(), r.axes.end(),
                               [&axis](const sim::SweepAxis& a) { return a.name == axis.name; });
  const std::size_t a = static_cast<std::size_t>(at - r.axes.begin());
  std::map<std::string, double> worst;
  for (const nlohmann::json& value : axis.values)
    worst[value.dump()] = 0;
  for (const sim::DesignOutcome& o : r.outcomes)
    if (ran(o) && !std::isnan(o.data_at_risk_bytes))
      worst[o.design.values[a].dump()] =
          std::max(worst[o.design.values[a].dump()], o.data_at_risk_bytes / kMiB);
  auto* set = new QBarSet(QStringLiteral("largest data at risk"));
  QStringList categories;
  double top = 0;
  for (const nlohmann::json& value : axis.values) {
    categories << QString::fromStdString(value.dump());
    *set << worst[value.dump()];
    top = std::max(top, worst[value.dump()]);
  }
  auto* bars = new QBarSeries;
  bars->append(set);
  QChart* chart = titled_chart(QStringLiteral("Data at risk per replica count"));
  chart->addSeries(bars);
  auto* x_axis = new QBarCategoryAxis;
  x_axis->append(categories);
  x_axis->setTitleText(
      axis.name == "replicas"
          ? QStringLiteral("replicas")
          : QStringLiteral("replicas (%1)").arg(QString::fromStdString(axis.name)));
  auto* y_axis = new QValueAxis;
  y_axis->setTitleText(QStringLiteral("data at risk, largest (MiB)"));
  y_axis->setLabelFormat(QStringLiteral("%g"));
  y_axis->setRange(0, top > 0 ? top * 1.1 : 1);
  y_axis->applyNiceNumbers();
  chart->addAxis(x_axis, Qt::AlignBottom);
  chart->addAxis(y_axis, Qt::AlignLeft);
  bars->attachAxis(x_axis);
  bars->attachAxis(y_axis);
  return chart;
}

QString figure(double value, int decimals) {
  return std::isnan(value) ? QStringLiteral("—") : QString::number(value, 'f', decimals);
}

}  // namespace

std::vector<QChart*> make_sweep_charts(const sim::SweepResultsFile& r) {
  std::vector<QChart*> charts;
  charts.push_back(scatter_against_cost(r, QStringLiteral("p99 read latency against cost"),
                                        QStringLiteral("p99 read latency (ms)"),
                                        [](const sim::DesignOutcome& o) { return o.read_p99_ms; }));
  charts.push_back(
      scatter_against_cost(r, QStringLiteral("Array offload against cost"),
                           QStringLiteral("bytes kept off the array (%)"),
                           [](const sim::DesignOutcome& o) { return 100 * o.bytes_offload; }));
  if (const sim::SweepAxis* axis = replica_axis(r)) {
    charts.push_back(risk_per_replicas(r, *axis));
  } else {
    charts.push_back(scatter_against_cost(
        r, QStringLiteral("Data at risk against cost"), QStringLiteral("data at risk (MiB)"),
        [](const sim::DesignOutcome& o) { return o.data_at_risk_bytes / kMiB; }));
  }
  for (QChart* chart : charts)
    chart->legend()->setAlignment(Qt::AlignBottom);
  return charts;
}

QTableWidget* make_sweep_table(const sim::SweepResultsFile& r) {
  const QStringList header{QStringLiteral("#"),
                           QStringLiteral("design"),
                           QStringLiteral("status"),
                           QStringLiteral("cost (%1)").arg(QString::fromStdString(r.currency)),
                           QStringLiteral("read p99 (ms)"),
                           QStringLiteral("write p99 (ms)"),
                           QStringLiteral("offload (% bytes)"),
                           QStringLiteral("hit ratio (%)"),
                           QStringLiteral("data at risk (GiB)"),
                           QStringLiteral("writes lost"),
                           QStringLiteral("Pareto")};
  auto* table =
      new QTableWidget(static_cast<int>(r.outcomes.size()), static_cast<int>(header.size()));
  table->setHorizontalHeaderLabels(header);
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    const sim::DesignOutcome& o = r.outcomes[i];
    const bool f = ran(o);
    const QStringList cells{QString::number(o.design.index),
                            QString::fromStdString(o.design.name),
                            QString::fromLatin1(sim::design_status_name(o.status)),
                            figure(o.cost, 0),
                            f ? figure(o.read_p99_ms, 3) : QStringLiteral("—"),
                            f ? figure(o.write_p99_ms, 3) : QStringLiteral("—"),
                            f ? figure(100 * o.bytes_offload, 1) : QStringLiteral("—"),
                            f ? figure(100 * o.read_hit_ratio, 1) : QStringLiteral("—"),
                            f ? figure(o.data_at_risk_bytes / kGiB, 2) : QStringLiteral("—"),
                            f ? QString::number(o.acknowledged_writes_lost) : QStringLiteral("—"),
                            o.pareto ? QStringLiteral("yes") : QString()};
    for (int c = 0; c < static_cast<int>(cells.size()); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (o.pareto) item->setBackground(QColor(255, 226, 226));
      table->setItem(static_cast<int>(i), c, item);
    }
  }
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->verticalHeader()->setVisible(false);
  table->resizeColumnsToContents();
  return table;
}

QStringList sweep_notes(const sim::SweepResultsFile& r) {
  std::size_t with_results = 0;
  for (const sim::DesignOutcome& o : r.outcomes)
    with_results += ran(o) ? 1 : 0;
  QStringList notes{QStringLiteral("Base scenario: %1. %2 designs, %3 with results. Designs "
                                   "marked on the Pareto front: no other design is as cheap, as "
                                   "fast (p99 read), offloads as much and risks as little data, "
                                   "and better in one.")
                        .arg(QString::fromStdString(r.base))
                        .arg(r.outcomes.size())
                        .arg(with_results)};
  for (const sim::SweepResultsFile::SloBest& slo : r.slos) {
    notes << QStringLiteral("Best for \"%1\": %2 (%3 designs meet it)")
                 .arg(QString::fromStdString(slo.name),
                      slo.best ? QString::fromStdString(*slo.best)
                               : QStringLiteral("none of the designs that ran"))
                 .arg(slo.designs_meeting);
  }
  return notes;
}

bool write_sweep_report(const QString& folder, QString& error) {
  QFile file(QDir(folder).filePath(QStringLiteral("results.json")));
  if (!file.open(QIODevice::ReadOnly)) {
    error = file.fileName() + QStringLiteral(": ") + file.errorString();
    return false;
  }
  sim::SweepResultsFile results;
  try {
    results = sim::read_results_json(nlohmann::json::parse(file.readAll().toStdString()));
  } catch (const std::exception& e) {
    error = file.fileName() + QStringLiteral(": ") + QString::fromUtf8(e.what());
    return false;
  }
  std::vector<std::unique_ptr<QChartView>> views;
  std::vector<QChartView*> charts;
  for (QChart* chart : make_sweep_charts(results)) {
    views.push_back(std::make_unique<QChartView>(chart));
    views.back()->setRenderHint(QPainter::Antialiasing);
    views.back()->resize(960, 560);
    charts.push_back(views.back().get());
  }
  std::unique_ptr<QTableWidget> table(make_sweep_table(results));
  return save_html_report(QDir(folder).filePath(QStringLiteral("report.html")),
                          QStringLiteral("Sweep: %1").arg(QString::fromStdString(results.sweep)),
                          table.get(), charts, error, sweep_notes(results));
}

}  // namespace flashtwin::gui
