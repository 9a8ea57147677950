// A sweep's report as flashtwin-gui draws it, on the offscreen platform: charts of every design
// that ran with the Pareto front apart, axes titled with units, data at risk per replica count,
// and report.html with its charts embedded, the best design per SLO and the table (written into
// build/gui-screens/ to look at).
#include "sweep_report.hpp"

#include <gtest/gtest.h>

#include <QAbstractAxis>
#include <QApplication>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QDir>
#include <QFile>
#include <QScatterSeries>
#include <QTableWidget>

#include <memory>

namespace flashtwin::gui {
namespace {

sim::DesignOutcome outcome(std::size_t index, int replicas, double cost, double p99,
                           double risk_bytes, bool pareto) {
  sim::DesignOutcome o;
  o.design.index = index;
  o.design.name = "replicas=" + std::to_string(replicas) + " flash=" + std::to_string(index);
  o.design.values = {replicas, index};
  o.hash = "000000000000000" + std::to_string(index);
  o.status = sim::DesignStatus::ok;
  o.consistency = "consistent";
  o.cost = cost;
  o.read_p99_ms = p99;
  o.write_p99_ms = 0.2;
  o.bytes_offload = 0.4;
  o.read_hit_ratio = 0.5;
  o.data_at_risk_bytes = risk_bytes;
  o.pareto = pareto;
  return o;
}

sim::SweepResultsFile three_designs() {
  sim::SweepSpec sweep;
  sweep.name = "test sweep";
  sweep.base_name = "base.json";
  sweep.axes = {{"replicas", {"datastores[0].policy.replicas"}, {0, 1}},
                {"flash", {"cluster.hosts[0].flash[0].capacity_gib"}, {0, 1, 2}}};
  sim::Slo slo;
  slo.name = "p99 read under 3 ms";
  slo.p99_read_ms_max = 3;
  sweep.slos = {slo};
  std::vector<sim::DesignOutcome> outcomes{outcome(0, 0, 100, 4, 64 << 20, true),
                                           outcome(1, 1, 200, 2, 0, true),
                                           outcome(2, 1, 300, 5, 0, false)};
  outcomes.push_back(outcome(3, 0, 50, 1, 0, false));
  outcomes.back().status = sim::DesignStatus::failed;  // no point drawn for it
  return sim::read_results_json(nlohmann::json::parse(sim::results_json(sweep, outcomes).dump()));
}

TEST(SweepReport, ChartsDrawEveryDesignThatRanAndMarkTheFront) {
  const sim::SweepResultsFile results = three_designs();
  std::vector<std::unique_ptr<QChart>> charts;
  for (QChart* c : make_sweep_charts(results))
    charts.emplace_back(c);
  ASSERT_EQ(charts.size(), 3u);
  const auto scatter = [](QChart* chart, int i) {
    return qobject_cast<QScatterSeries*>(chart->series().at(i));
  };
  EXPECT_EQ(scatter(charts[0].get(), 0)->count(), 1);  // design 2
  EXPECT_EQ(scatter(charts[0].get(), 1)->count(), 2);  // designs 0 and 1: the front
  EXPECT_EQ(scatter(charts[0].get(), 1)->at(1), QPointF(200, 2));
  EXPECT_EQ(charts[0]->axes(Qt::Horizontal).at(0)->titleText(), QStringLiteral("cost (USD)"));
  EXPECT_EQ(charts[0]->axes(Qt::Vertical).at(0)->titleText(),
            QStringLiteral("p99 read latency (ms)"));
  EXPECT_EQ(scatter(charts[1].get(), 1)->at(0).y(), 40);  // offload in %
  auto* bars = qobject_cast<QBarSeries*>(charts[2]->series().at(0));
  ASSERT_NE(bars, nullptr);
  EXPECT_EQ(bars->barSets().at(0)->at(0), 64);  // replicas 0: 64 MiB at risk
  EXPECT_EQ(bars->barSets().at(0)->at(1), 0);
}

TEST(SweepReport, ReportHtmlHoldsChartsTableAndTheBestDesign) {
  const QString folder = QStringLiteral(FLASHTWIN_SCREENSHOTS "/sweep-report");
  QDir(folder).removeRecursively();
  QDir().mkpath(folder);
  sim::SweepResultsFile results = three_designs();
  QFile json(folder + QStringLiteral("/results.json"));
  ASSERT_TRUE(json.open(QIODevice::WriteOnly));
  sim::SweepSpec sweep;
  sweep.name = results.sweep;
  sweep.base_name = results.base;
  sweep.axes = results.axes;
  sim::Slo slo;
  slo.name = "p99 read under 3 ms";
  slo.p99_read_ms_max = 3;
  sweep.slos = {slo};
  json.write(QByteArray::fromStdString(sim::results_json(sweep, results.outcomes).dump(2)));
  json.close();
  QString error;
  ASSERT_TRUE(write_sweep_report(folder, error)) << error.toStdString();
  QFile html(folder + QStringLiteral("/report.html"));
  ASSERT_TRUE(html.open(QIODevice::ReadOnly));
  const QString report = QString::fromUtf8(html.readAll());
  EXPECT_EQ(report.count(QStringLiteral("data:image/png;base64,")), 3);
  EXPECT_TRUE(
      report.contains(QStringLiteral("Best for &quot;p99 read under 3 ms&quot;: "
                                     "replicas=1 flash=1 (1 designs meet it)")))
      << report.left(2000).toStdString();
  EXPECT_EQ(report.count(QStringLiteral("<tr>")), 5);  // header and four designs
  EXPECT_FALSE(write_sweep_report(QStringLiteral("/nonexistent-folder"), error));
  EXPECT_TRUE(error.contains(QStringLiteral("results.json")));
}

}  // namespace
}  // namespace flashtwin::gui

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
