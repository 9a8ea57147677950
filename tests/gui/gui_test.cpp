// The workbench as a user drives it, on the offscreen platform, with the real `flashtwin` worker
// (FLASHTWIN_PROGRAM): the default scenario opens valid; a bad value is flagged in its field with
// `flashtwin validate`'s message; a run ends with charts that have points and labelled axes
// (written as PNGs to look at); Cancel stops a run and keeps its partial results.
#include "design_form.hpp"
#include "main_window.hpp"

#include <gtest/gtest.h>

#include <QAbstractAxis>
#include <QApplication>
#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QLineSeries>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QXYSeries>

// gtest prints a QString as text.
inline void PrintTo(const QString& text, std::ostream* os) {
  *os << text.toStdString();
}

namespace flashtwin::gui {
namespace {

const QString kTwoHosts = QStringLiteral(FLASHTWIN_SOURCE_DIR "/tests/gui/data/two-hosts.json");

void save_png(QWidget* widget, const QString& name) {
  QDir().mkpath(QStringLiteral(FLASHTWIN_SCREENSHOTS));
  const QString file = QStringLiteral(FLASHTWIN_SCREENSHOTS "/%1.png").arg(name);
  EXPECT_TRUE(widget->grab().save(file)) << file.toStdString();
}

RunProcess::Outcome wait_for_end(MainWindow& w, int timeout_ms) {
  QSignalSpy ended(&w, &MainWindow::run_ended);
  EXPECT_TRUE(ended.wait(timeout_ms)) << "the run did not end in time";
  if (ended.isEmpty()) return RunProcess::Outcome::crashed;
  return ended.takeFirst().at(0).value<RunProcess::Outcome>();
}

qsizetype points_of(QAbstractSeries* series) {
  if (auto* area = qobject_cast<QAreaSeries*>(series)) return area->upperSeries()->count();
  if (auto* xy = qobject_cast<QXYSeries*>(series)) return xy->count();
  return 0;
}

// Every chart: a title, two axes titled with a unit, and series with points.
void expect_charts_drawn(const MainWindow& w) {
  const std::vector<QChartView*> views = w.chart_views();
  ASSERT_EQ(views.size(), 6u);
  for (QChartView* view : views) {
    QChart* chart = view->chart();
    SCOPED_TRACE(chart->title().toStdString());
    EXPECT_FALSE(chart->title().isEmpty());
    ASSERT_EQ(chart->axes().size(), 2);
    for (QAbstractAxis* axis : chart->axes())
      EXPECT_TRUE(axis->titleText().contains(QLatin1Char('(')) ||
                  axis->titleText() == QLatin1String("MiB"))
          << axis->titleText().toStdString();
    ASSERT_FALSE(chart->series().isEmpty());
    for (QAbstractSeries* series : chart->series()) {
      EXPECT_FALSE(series->name().isEmpty());
      EXPECT_GE(points_of(series), 2) << series->name().toStdString();
    }
  }
}

TEST(Workbench, OpensOnTheDefaultScenarioAndItIsValid) {
  MainWindow w;
  w.show();
  EXPECT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  EXPECT_TRUE(w.design().path().isEmpty());
  auto* duration = qobject_cast<QDoubleSpinBox*>(w.form()->field("duration_s"));
  ASSERT_NE(duration, nullptr);
  EXPECT_DOUBLE_EQ(duration->value(), w.design().json()["duration_s"].get<double>());
  EXPECT_NE(w.form()->field("datastores[0].policy.replicas"), nullptr);
  save_png(&w, QStringLiteral("design-default"));
}

TEST(Workbench, ABadValueIsFlaggedInItsFieldWithTheMessageValidateGives) {
  MainWindow w;
  ASSERT_TRUE(w.open_scenario(kTwoHosts));
  ASSERT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  // Typed into the form: a device preset the scenario does not define.
  auto* device = qobject_cast<QLineEdit*>(w.form()->field("cluster.hosts[1].flash[0].device"));
  ASSERT_NE(device, nullptr);
  device->setText(QStringLiteral("nvme-9t"));
  emit device->editingFinished();
  EXPECT_FALSE(w.validation().ok);
  EXPECT_EQ(w.validation().json_path.toStdString(), "$.cluster.hosts[1].flash[0].device");
  EXPECT_EQ(w.validation().message.toStdString(),
            "$.cluster.hosts[1].flash[0].device: 'nvme-9t' is not defined in $.devices");
  EXPECT_TRUE(device->styleSheet().contains(QStringLiteral("border")));
  EXPECT_EQ(device->toolTip(), w.validation().message);
  save_png(&w, QStringLiteral("design-invalid"));
  // Mended: the flag goes.
  device->setText(QStringLiteral("nvme-1.6t"));
  emit device->editingFinished();
  EXPECT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  EXPECT_TRUE(device->styleSheet().isEmpty());
  // A key the scenario does not know: no field to flag, the message still shows.
  w.edit("cluster.hosts[0].device_typo", "1");
  EXPECT_FALSE(w.validation().ok);
  EXPECT_EQ(w.validation().json_path.toStdString(), "$.cluster.hosts[0].device_typo");
  EXPECT_TRUE(w.status().contains(QStringLiteral("unknown key"))) << w.status().toStdString();
}

TEST(Workbench, ARunEndsWithChartsThatHavePointsAndLabelledAxes) {
  MainWindow w;
  w.resize(1280, 800);
  w.show();
  ASSERT_TRUE(w.open_scenario(kTwoHosts));
  // An edit through the form itself: no replica for gold.
  auto* replicas = qobject_cast<QSpinBox*>(w.form()->field("datastores[0].policy.replicas"));
  ASSERT_NE(replicas, nullptr);
  replicas->setValue(0);
  EXPECT_EQ(w.design().json()["datastores"][0]["policy"]["replicas"], 0);
  ASSERT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  ASSERT_TRUE(w.start_run());
  EXPECT_TRUE(w.running());
  ASSERT_EQ(wait_for_end(w, 120000), RunProcess::Outcome::finished) << w.status().toStdString();
  ASSERT_TRUE(w.results().has_value());
  EXPECT_FALSE(w.results()->interrupted);
  expect_charts_drawn(w);
  // With the baseline: the CDF has both runs' reads and writes, the array chart both runs' I/O.
  auto names = [](QChartView* view) {
    QStringList list;
    for (QAbstractSeries* series : view->chart()->series())
      list << series->name();
    return list;
  };
  const std::vector<QChartView*> views = w.chart_views();
  EXPECT_EQ(views[1]->chart()->title(), QStringLiteral("Latency distribution (CDF)"));
  EXPECT_EQ(names(views[1]), (QStringList{QStringLiteral("reads"), QStringLiteral("writes"),
                                          QStringLiteral("reads without the tier"),
                                          QStringLiteral("writes without the tier")}));
  EXPECT_TRUE(names(views[3]).contains(QStringLiteral("without the tier: reads")));
  for (int i = 0; i < w.result_tabs()->count(); ++i) {
    w.result_tabs()->setCurrentIndex(i);
    save_png(&w, QStringLiteral("results-%1").arg(i));
  }
}

TEST(Workbench, CancelStopsTheRunAndKeepsItsPartialResults) {
  MainWindow w;
  ASSERT_TRUE(w.open_scenario(kTwoHosts));
  w.edit("duration_s", "3000");  // about half a minute of wall time
  ASSERT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  ASSERT_TRUE(w.start_run());
  QTest::qWait(2500);
  ASSERT_TRUE(w.running());
  w.cancel_run();
  ASSERT_EQ(wait_for_end(w, 60000), RunProcess::Outcome::cancelled) << w.status().toStdString();
  ASSERT_TRUE(w.results().has_value());
  EXPECT_TRUE(w.results()->interrupted);
  expect_charts_drawn(w);
}

// The main workflow: run A, pin it, change the design, run B; the comparison names the better
// design per figure and the charts overlay A; exports write PNG, SVG, CSV and an HTML report.
TEST(Workbench, PinnedRunAIsComparedWithRunBAndEverythingExports) {
  MainWindow w;
  w.resize(1280, 800);
  w.show();
  ASSERT_TRUE(w.open_scenario(kTwoHosts));
  ASSERT_TRUE(w.start_run());
  ASSERT_EQ(wait_for_end(w, 120000), RunProcess::Outcome::finished) << w.status().toStdString();
  ASSERT_TRUE(w.pin_results());
  w.edit("datastores[0].policy.replicas", "0");
  w.edit("datastores[0].policy.mode", "\"write-through\"");
  ASSERT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  ASSERT_TRUE(w.start_run());
  ASSERT_EQ(wait_for_end(w, 120000), RunProcess::Outcome::finished) << w.status().toStdString();
  ASSERT_TRUE(w.pinned().has_value());

  auto* compare = w.result_tabs()->widget(0)->findChild<QTableWidget*>();
  ASSERT_NE(compare, nullptr);
  EXPECT_EQ(w.result_tabs()->tabText(0), QStringLiteral("Compare A/B"));
  EXPECT_EQ(compare->rowCount(), 12);
  EXPECT_EQ(compare->horizontalHeaderItem(1)->toolTip(), QStringLiteral("two-hosts.json"));
  EXPECT_EQ(compare->horizontalHeaderItem(2)->toolTip(),
            QStringLiteral("two-hosts.json datastores[0].policy.replicas=0 "
                           "datastores[0].policy.mode=\"write-through\""));
  // The form shows the design B ran.
  EXPECT_EQ(qobject_cast<QComboBox*>(w.form()->field("datastores[0].policy.mode"))->currentText(),
            QStringLiteral("write-through"));
  // Write-back acknowledges writes from flash: A's median write beats write-through's.
  for (int r = 0; r < compare->rowCount(); ++r) {
    if (compare->item(r, 0)->text() != QLatin1String("write latency p50")) continue;
    EXPECT_EQ(compare->item(r, 4)->text(), QStringLiteral("A"));
  }
  save_png(&w, QStringLiteral("compare-table"));
  expect_charts_drawn(w);
  const std::vector<QChartView*> views = w.chart_views();
  bool overlaid = false;
  for (QAbstractSeries* series : views.front()->chart()->series())
    overlaid = overlaid || series->name().startsWith(QStringLiteral("A: "));
  EXPECT_TRUE(overlaid);
  w.result_tabs()->setCurrentIndex(1);
  save_png(&w, QStringLiteral("compare-latency"));

  const QString dir = QStringLiteral(FLASHTWIN_SCREENSHOTS "/exports");
  QDir().mkpath(dir);
  QString error;
  ASSERT_TRUE(w.export_current(dir + QStringLiteral("/latency.png"), error)) << error.toStdString();
  ASSERT_TRUE(w.export_current(dir + QStringLiteral("/latency.svg"), error)) << error.toStdString();
  ASSERT_TRUE(w.export_current(dir + QStringLiteral("/latency.csv"), error)) << error.toStdString();
  EXPECT_FALSE(w.export_current(dir + QStringLiteral("/latency.txt"), error));
  EXPECT_TRUE(error.contains(QStringLiteral(".png or .svg"))) << error.toStdString();
  w.result_tabs()->setCurrentIndex(0);
  ASSERT_TRUE(w.export_current(dir + QStringLiteral("/compare.csv"), error)) << error.toStdString();
  ASSERT_TRUE(w.export_report(dir + QStringLiteral("/report.html"), error)) << error.toStdString();
  auto text = [&](const QString& name) {
    QFile file(dir + QLatin1Char('/') + name);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << name.toStdString();
    return QString::fromUtf8(file.readAll());
  };
  EXPECT_GT(QFileInfo(dir + QStringLiteral("/latency.png")).size(), 1000);
  EXPECT_TRUE(text(QStringLiteral("latency.svg")).contains(QStringLiteral("<svg")));
  EXPECT_TRUE(text(QStringLiteral("latency.csv"))
                  .startsWith(QStringLiteral("time (s),B: p50,B: p99,A: p50,A: p99")))
      << text(QStringLiteral("latency.csv")).left(200).toStdString();
  EXPECT_TRUE(
      text(QStringLiteral("compare.csv")).startsWith(QStringLiteral("figure,A,B,B − A,better\n")));
  const QString report = text(QStringLiteral("report.html"));
  EXPECT_TRUE(report.contains(QStringLiteral("<table>")));
  EXPECT_EQ(report.count(QStringLiteral("data:image/png;base64,")), 6);
}

}  // namespace
}  // namespace flashtwin::gui

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  qputenv("FLASHTWIN_PROGRAM", FLASHTWIN_WORKER);  // the worker of this build tree
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
