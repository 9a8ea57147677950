// The workbench as a user drives it, on the offscreen platform, with the real `flashtwin` worker
// (FLASHTWIN_PROGRAM): the default scenario opens valid; a bad value is flagged in its field with
// `flashtwin validate`'s message; a run ends with charts that have points and labelled axes
// (written as PNGs to look at); Cancel stops a run and keeps its partial results.
#include "cluster_view.hpp"
#include "design_form.hpp"
#include "event_timeline.hpp"
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
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTabBar>
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
  // Widgets added to a shown window are shown by a queued call, as layouts settle: let them.
  QTest::qWait(20);
  QDir().mkpath(QStringLiteral(FLASHTWIN_SCREENSHOTS));
  const QString file = QStringLiteral(FLASHTWIN_SCREENSHOTS "/%1.png").arg(name);
  EXPECT_TRUE(widget->grab().save(file)) << file.toStdString();
}

void show_design_part_and_save(MainWindow& w, QWidget* part, const QString& name) {
  QTest::qWait(20);  // the form's new fields shown and laid out
  w.show_design_part(part);
  save_png(&w, name);
}

// Writes `contents` to a file beside the screenshots; returns its path.
QString scratch_file(const QString& name, const QByteArray& contents) {
  QDir().mkpath(QStringLiteral(FLASHTWIN_SCREENSHOTS));
  const QString path = QDir(QStringLiteral(FLASHTWIN_SCREENSHOTS)).filePath(name);
  QFile file(path);
  EXPECT_TRUE(file.open(QIODevice::WriteOnly)) << path.toStdString();
  file.write(contents);
  return path;
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
  ASSERT_EQ(views.size(), 8u);
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
  // A file with a value of the wrong type: the window stays, validate's message names it.
  QFile good(kTwoHosts);
  ASSERT_TRUE(good.open(QIODevice::ReadOnly));
  nlohmann::json typo = nlohmann::json::parse(good.readAll().toStdString());
  typo["duration_s"] = "4";
  typo["vms"][0]["name"] = 7;
  const QString typo_file =
      scratch_file(QStringLiteral("typo.json"), QByteArray::fromStdString(typo.dump()));
  ASSERT_TRUE(w.open_scenario(typo_file));
  EXPECT_FALSE(w.validation().ok);
  EXPECT_TRUE(w.validation().json_path.startsWith(QStringLiteral("$.duration_s")))
      << w.validation().message.toStdString();
  // Not a scenario at all: refused, the design before it kept.
  const QString list = scratch_file(QStringLiteral("list.json"), "[1, 2]");
  EXPECT_FALSE(w.open_scenario(list));
  EXPECT_TRUE(w.status().contains(QStringLiteral("not a JSON object"))) << w.status().toStdString();
  EXPECT_EQ(w.design().path(), typo_file);
}

// The form's other fields: a VM's own policy (from its datastore's), a RAM tier beside the flash,
// an event added on the time line and pointed at a host that does not exist, a trace file
// described by `flashtwin trace info`.
TEST(Workbench, TheFormEditsPoliciesCachesEventsAndTraces) {
  MainWindow w;
  w.resize(1280, 800);
  w.show();
  ASSERT_TRUE(w.open_scenario(kTwoHosts));
  auto* mode = qobject_cast<QComboBox*>(w.form()->field("vms[1].policy.mode"));
  ASSERT_NE(mode, nullptr);
  EXPECT_EQ(mode->currentText(), QStringLiteral("write-through"));  // web01's datastore: silver
  mode->setCurrentText(QStringLiteral("write-back"));
  EXPECT_EQ(w.design().json()["vms"][1]["policy"], nlohmann::json({{"mode", "write-back"}}));
  EXPECT_TRUE(w.validation().ok) << w.validation().message.toStdString();

  auto* ram = qobject_cast<QDoubleSpinBox*>(w.form()->field("cluster.hosts[0].flash"));
  ASSERT_NE(ram, nullptr);
  EXPECT_EQ(ram->value(), 0);
  ram->setValue(4);
  const nlohmann::json& flash = w.design().json()["cluster"]["hosts"][0]["flash"];
  ASSERT_EQ(flash.size(), 2u);
  EXPECT_EQ(flash[1], nlohmann::json({{"device", "ram"}, {"capacity_gib", 4.0}}));
  EXPECT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  ram->setValue(0);
  EXPECT_EQ(w.design().json()["cluster"]["hosts"][0]["flash"].size(), 1u);
  // A field, then the list holding it, then the field again: the last edit wins.
  auto* capacity =
      qobject_cast<QDoubleSpinBox*>(w.form()->field("cluster.hosts[0].flash[0].capacity_gib"));
  ASSERT_NE(capacity, nullptr);
  capacity->setValue(3);
  ram->setValue(2);
  capacity->setValue(5);
  EXPECT_EQ(w.design().json()["cluster"]["hosts"][0]["flash"],
            nlohmann::json::parse(R"([{"device": "nvme-1.6t", "capacity_gib": 5.0},
                                      {"device": "ram", "capacity_gib": 2.0}])"));
  EXPECT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  // A VM following its datastore shows the datastore's policy as it is, and takes it when the
  // VM is edited.
  qobject_cast<QSpinBox*>(w.form()->field("datastores[0].policy.replicas"))->setValue(0);
  qobject_cast<QComboBox*>(w.form()->field("datastores[0].policy.mode"))
      ->setCurrentText(QStringLiteral("write-through"));
  auto* sql_mode = qobject_cast<QComboBox*>(w.form()->field("vms[0].policy.mode"));
  EXPECT_EQ(sql_mode->currentText(), QStringLiteral("write-through"));
  EXPECT_EQ(qobject_cast<QSpinBox*>(w.form()->field("vms[0].policy.replicas"))->value(), 0);
  sql_mode->setCurrentText(QStringLiteral("write-around"));
  EXPECT_EQ(w.design().json()["vms"][0]["policy"],
            nlohmann::json({{"mode", "write-around"}, {"replicas", 0}}));
  EXPECT_TRUE(w.validation().ok) << w.validation().message.toStdString();

  EventTimeline* events = w.form()->events();
  events->add("migrate");
  const nlohmann::json& added = w.design().json()["events"];
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0]["at_s"], 2.0);  // the middle of the 4 s run
  EXPECT_EQ(added[0]["migrate"], nlohmann::json({{"vm", "sql01"}, {"to", "esx2"}}));
  EXPECT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  QTableWidget* table = events->table();
  ASSERT_EQ(table->rowCount(), 1);
  table->item(0, 2)->setText(QStringLiteral(R"({"vm": "sql01", "to": "esx9"})"));
  EXPECT_FALSE(w.validation().ok);
  EXPECT_TRUE(w.validation().json_path.startsWith(QStringLiteral("$.events[0]")))
      << w.validation().json_path.toStdString();
  EXPECT_TRUE(table->styleSheet().contains(QStringLiteral("border")));
  table->item(0, 2)->setText(QStringLiteral("not JSON"));  // flagged in its cell, not sent
  EXPECT_EQ(w.design().json()["events"][0]["migrate"]["to"], "esx9");
  EXPECT_NE(table->item(0, 2)->background().style(), Qt::NoBrush);
  show_design_part_and_save(w, events, QStringLiteral("design-events"));
  events->remove(0);
  EXPECT_TRUE(w.design().json()["events"].empty());
  EXPECT_TRUE(w.validation().ok) << w.validation().message.toStdString();

  // Not a trace: the reader's words under the field; the workload and its fields stay.
  const QString bad = scratch_file(QStringLiteral("not-a-trace.csv"), "this is not a trace\n");
  EXPECT_FALSE(w.form()->choose_trace(0, 0, bad).isEmpty());
  EXPECT_FALSE(w.design().json()["vms"][0]["disks"][0]["workload"].contains("trace"));
  EXPECT_EQ(
      qobject_cast<QComboBox*>(w.form()->field("vms[0].disks[0].workload.pattern"))->currentText(),
      QStringLiteral("zipf"));
  EXPECT_TRUE(w.form()->field("vms[0].disks[0].workload.iops")->isEnabled());
  const QString trace =
      scratch_file(QStringLiteral("web01.csv"), "0,R,0,4096\n250,W,8192,4096\n500,R,0,8192\n");
  const QString info = w.form()->choose_trace(1, 0, trace);
  EXPECT_TRUE(info.contains(QRegularExpression(QStringLiteral("requests +3 in"))))
      << info.toStdString();
  EXPECT_EQ(w.design().json()["vms"][1]["disks"][0]["workload"],
            nlohmann::json({{"trace", trace.toStdString()}}));
  EXPECT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  EXPECT_FALSE(w.form()->field("vms[1].disks[0].workload.iops")->isEnabled());
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
  EXPECT_EQ(names(views[4]), (QStringList{QStringLiteral("with the tier"),
                                          QStringLiteral("without the tier: backend busy")}));
  // Per VM: p99 shown, p50 hidden until its legend entry is clicked.
  QChart* per_vm = views[7]->chart();
  EXPECT_EQ(names(views[7]),
            (QStringList{QStringLiteral("sql01 p99"), QStringLiteral("web01 p99"),
                         QStringLiteral("sql01 p50"), QStringLiteral("web01 p50")}));
  QAbstractSeries* p50 = per_vm->series()[2];
  EXPECT_FALSE(p50->isVisible());
  const QList<QLegendMarker*> markers = per_vm->legend()->markers(p50);
  ASSERT_EQ(markers.size(), 1);
  emit markers[0]->clicked();
  EXPECT_TRUE(p50->isVisible());
  emit markers[0]->clicked();
  EXPECT_FALSE(p50->isVisible());
  QTest::qWait(10);
  EXPECT_TRUE(markers[0]->isVisible());  // kept, to show the line again
  // The cluster view plays the run back: one slider step per interval.
  ClusterPage* cluster = nullptr;
  for (int i = 0; i < w.result_tabs()->count() && cluster == nullptr; ++i)
    cluster = qobject_cast<ClusterPage*>(w.result_tabs()->widget(i));
  ASSERT_NE(cluster, nullptr);
  const std::vector<double>& ends = w.results()->cluster.column("end_s");
  EXPECT_EQ(cluster->slider()->maximum(), static_cast<int>(ends.size()) - 1);
  EXPECT_DOUBLE_EQ(cluster->canvas()->state().at_s, ends.back());
  cluster->slider()->setValue(1);
  EXPECT_DOUBLE_EQ(cluster->canvas()->state().at_s, ends[1]);
  const ClusterState& shown = cluster->canvas()->state();
  ASSERT_EQ(shown.hosts.size(), 2u);
  EXPECT_EQ(shown.hosts[0].vms, std::vector<std::string>{"sql01"});
  ASSERT_EQ(shown.hosts[0].caches.size(), 1u);
  EXPECT_GT(shown.hosts[0].caches[0].used_bytes, 0);  // from timeseries_hosts.csv
  EXPECT_TRUE(shown.replicas.empty());                // replicas were set to 0 above
  // Per host: capacity, levels, device load and wear against the rating.
  QTableWidget* hosts = nullptr;
  for (int i = 0; i < w.result_tabs()->count(); ++i)
    if (w.result_tabs()->tabText(i) == QLatin1String("Hosts"))
      hosts = qobject_cast<QTableWidget*>(w.result_tabs()->widget(i));
  ASSERT_NE(hosts, nullptr);
  ASSERT_EQ(hosts->rowCount(), 2);
  EXPECT_EQ(hosts->item(0, 0)->text(), QStringLiteral("esx1"));
  bool wear_ok = false;
  EXPECT_GT(hosts->item(0, 8)->text().toDouble(&wear_ok), 0);
  EXPECT_TRUE(wear_ok) << hosts->item(0, 8)->text().toStdString();
  for (int i = 0; i < w.result_tabs()->count(); ++i) {
    w.result_tabs()->setCurrentIndex(i);
    save_png(&w, QStringLiteral("results-%1").arg(i));
  }
}

// The cluster view's playback follows the results' timeline: a migration, a host failure and the
// VM's restart elsewhere (its new peers unknown until re-protected), a cut link, a peer lost, a
// power loss of the whole cluster that only host_rejoined ends; cache levels from
// timeseries_hosts.csv.
TEST(ClusterPlayback, FollowsMigrationsFailuresRestartsAndReplicaPeers) {
  sim::ResultsFolder r;
  r.summary = nlohmann::json::parse(R"({
    "format": "flashtwin-summary/2", "interval_ns": 1000000000,
    "produced_by": {"scenario": {
      "array": {"preset": "hybrid-10k"},
      "cluster": {"hosts": [
        {"name": "esx1", "rack": "r1", "flash": [{"device": "nvme-1.6t", "capacity_gib": 1}]},
        {"name": "esx2", "rack": "r1", "flash": [{"device": "nvme-1.6t", "capacity_gib": 1}]},
        {"name": "esx3", "rack": "r2", "flash": [{"device": "nvme-1.6t", "capacity_gib": 1}]}]},
      "vms": [{"name": "a", "host": "esx1"}, {"name": "b", "host": "esx2"}]}},
    "hosts": [{"name": "esx1", "flash_bytes": 1073741824}, {"name": "esx2", "flash_bytes": 2048},
              {"name": "esx3", "flash_bytes": 1073741824}],
    "cluster": {
      "replication": [{"vm": "a", "replicas": 1, "peers": ["esx3"], "write_through": false}],
      "migrations": [{"vm": "b", "from": "esx2", "to": "esx3", "at_ns": 1500000000}],
      "failures": {
        "timeline": [
          {"at_ns": 2000000000, "event": "host_failed", "host": "esx1", "vm": null},
          {"at_ns": 2500000000, "event": "link_cut", "host": null, "vm": null,
           "link": "esx2--tor-r1"},
          {"at_ns": 3200000000, "event": "vm_reprotected", "host": "esx3", "vm": "a"},
          {"at_ns": 4200000000, "event": "power_lost", "host": null, "vm": null},
          {"at_ns": 4500000000, "event": "vm_underprotected", "host": "esx3", "vm": "a"},
          {"at_ns": 4800000000, "event": "power_restored", "host": null, "vm": null},
          {"at_ns": 4900000000, "event": "host_rejoined", "host": "esx2", "vm": null}],
        "outages": [{"vm": "a", "cause": "host_failed", "failed_host": "esx1",
                     "failed_at_ns": 2000000000, "restarted_at_ns": 3000000000,
                     "restarted_on": "esx2"}]}}})");
  r.cluster =
      sim::parse_csv("start_s,end_s\n0,1\n1,2\n2,3\n3,4\n4,5\n", "t", std::nullopt).begin()->second;
  r.hosts = sim::parse_csv(
      "start_s,end_s,host,host_name,used_bytes,dirty_bytes,replica_bytes\n"
      "0,1,0,esx1,100,10,0\n1,2,0,esx1,200,20,0\n2,3,0,esx1,200,20,0\n3,4,0,esx1,0,0,0\n"
      "4,5,0,esx1,0,0,0\n",
      "h", "host_name");
  const ClusterPlayback playback(r);
  EXPECT_EQ(playback.moments(), (std::vector<double>{1, 2, 3, 4, 5}));

  const ClusterState one = playback.state_at(1);
  ASSERT_EQ(one.hosts.size(), 3u);
  EXPECT_EQ(one.array_preset, "hybrid-10k");
  EXPECT_FALSE(one.hosts[0].down);
  EXPECT_EQ(one.hosts[0].vms, std::vector<std::string>{"a"});
  EXPECT_EQ(one.hosts[1].vms, std::vector<std::string>{"b"});
  EXPECT_DOUBLE_EQ(one.hosts[0].caches[0].used_bytes, 100);
  EXPECT_DOUBLE_EQ(one.hosts[0].caches[0].dirty_bytes, 10);
  EXPECT_DOUBLE_EQ(one.hosts[1].caches[0].capacity_bytes, 2048);  // as the run reported it
  ASSERT_EQ(one.replicas.size(), 1u);
  EXPECT_EQ(one.replicas[0].from, "esx1");
  EXPECT_EQ(one.replicas[0].to, "esx3");

  const ClusterState two = playback.state_at(2);
  EXPECT_TRUE(two.hosts[0].down);
  EXPECT_EQ(two.hosts[2].vms, std::vector<std::string>{"b"});  // migrated at 1.5 s
  EXPECT_EQ(two.down_vms, std::vector<std::string>{"a"});
  EXPECT_TRUE(two.replicas.empty());
  EXPECT_EQ(two.happened, (std::vector<std::string>{"b migrated to esx3", "host_failed esx1"}));

  const ClusterState three = playback.state_at(3);
  EXPECT_EQ(three.hosts[1].vms, std::vector<std::string>{"a"});  // restarted on esx2
  EXPECT_TRUE(three.down_vms.empty());
  EXPECT_EQ(three.hosts[1].cut_links, std::vector<std::string>{"esx2--tor-r1"});
  EXPECT_TRUE(three.replicas.empty());  // its new peers are not in the results

  const ClusterState four = playback.state_at(4);
  ASSERT_EQ(four.replicas.size(), 1u);  // re-protected on esx3
  EXPECT_EQ(four.replicas[0].from, "esx2");
  EXPECT_EQ(four.replicas[0].to, "esx3");
  EXPECT_EQ(four.happened, std::vector<std::string>{"vm_reprotected esx3 a"});

  const ClusterState five = playback.state_at(5);
  EXPECT_TRUE(five.hosts[0].down);
  EXPECT_FALSE(five.hosts[1].down);    // rejoined
  EXPECT_TRUE(five.hosts[2].down);     // power_restored alone does not bring a host back
  EXPECT_TRUE(five.replicas.empty());  // its peer esx3 lost
  EXPECT_DOUBLE_EQ(playback.state_at(99).hosts[0].caches[0].used_bytes, 0);  // the last interval
}

// A host's RAM cache is the one its device makes volatile, whatever the preset's name, and the
// results name it `<host>/ram`.
TEST(ClusterPlayback, ARamCacheIsTheVolatileDeviceNamedHostSlashRam) {
  const nlohmann::json scenario = nlohmann::json::parse(R"({
    "devices": {"dram": {"preset": "ram", "read_latency_us": 1}},
    "cluster": {"hosts": [{"name": "esx1", "flash": [
      {"device": "dram", "capacity_gib": 16}, {"device": "nvme-1.6t", "capacity_gib": 64}]}]},
    "vms": []})");
  const ClusterState design = ClusterPlayback(scenario).state_at(0);
  ASSERT_EQ(design.hosts[0].caches.size(), 2u);
  EXPECT_TRUE(design.hosts[0].caches[0].ram);
  EXPECT_EQ(design.hosts[0].caches[0].name, "esx1/ram");
  EXPECT_FALSE(design.hosts[0].caches[1].ram);
  EXPECT_EQ(design.hosts[0].caches[1].name, "esx1");
  EXPECT_FALSE(design.levels);

  sim::ResultsFolder r;
  r.summary = {{"produced_by", {{"scenario", scenario}}},
               {"hosts", nlohmann::json::array({{{"name", "esx1"}, {"flash_bytes", 64}},
                                                {{"name", "esx1/ram"}, {"flash_bytes", 16}}})}};
  r.cluster = sim::parse_csv("start_s,end_s\n0,1\n", "t", std::nullopt).begin()->second;
  r.hosts =
      sim::parse_csv("start_s,end_s,host,host_name,used_bytes\n0,1,0,esx1,7\n0,1,1,esx1/ram,5\n",
                     "h", "host_name");
  const ClusterState run = ClusterPlayback(r).state_at(1);
  EXPECT_TRUE(run.levels);
  EXPECT_DOUBLE_EQ(run.hosts[0].caches[0].used_bytes, 5);
  EXPECT_DOUBLE_EQ(run.hosts[0].caches[0].capacity_bytes, 16);
  EXPECT_DOUBLE_EQ(run.hosts[0].caches[1].used_bytes, 7);
}

// At 1280x800: the keyboard runs, pins and plays back; every result tab's label shows without
// scrolling the tab bar, and the design form fits its pane (no horizontal clipping).
TEST(Workbench, KeyboardDrivesItAndNothingIsClippedAt1280x800) {
  MainWindow w;
  w.resize(1280, 800);
  w.show();
  w.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&w));
  ASSERT_TRUE(w.open_scenario(kTwoHosts));
  QTest::qWait(20);
  EXPECT_LE(w.form()->width(), w.form()->parentWidget()->width());
  QTest::keyClick(&w, Qt::Key_R, Qt::ControlModifier);
  ASSERT_TRUE(w.running());
  ASSERT_EQ(wait_for_end(w, 120000), RunProcess::Outcome::finished) << w.status().toStdString();
  QTest::keyClick(&w, Qt::Key_P, Qt::ControlModifier);
  ASSERT_TRUE(w.pinned().has_value());
  w.edit("datastores[0].policy.replicas", "0");
  QTest::keyClick(&w, Qt::Key_R, Qt::ControlModifier);
  ASSERT_EQ(wait_for_end(w, 120000), RunProcess::Outcome::finished) << w.status().toStdString();
  QTest::qWait(20);
  const QTabBar* bar = w.result_tabs()->tabBar();
  ASSERT_GE(bar->count(), 12);  // A/B, the cluster, 8 charts, hosts, figures
  EXPECT_LE(bar->tabRect(bar->count() - 1).right(), bar->width())
      << "the last tab, " << bar->tabText(bar->count() - 1).toStdString() << ", is cut off";
  ClusterPage* cluster = qobject_cast<ClusterPage*>(w.result_tabs()->widget(1));
  ASSERT_NE(cluster, nullptr);
  w.result_tabs()->setCurrentIndex(1);
  cluster->slider()->setFocus();
  cluster->slider()->setValue(0);
  QTest::keyClick(cluster->slider(), Qt::Key_Right);
  EXPECT_EQ(cluster->slider()->value(), 1);
  QTest::keyClick(cluster->slider(), Qt::Key_End);
  EXPECT_EQ(cluster->slider()->value(), cluster->slider()->maximum());
  EXPECT_DOUBLE_EQ(cluster->canvas()->state().at_s, w.results()->cluster.column("end_s").back());
  save_png(&w, QStringLiteral("keyboard-cluster"));
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
  // A keeps one replica for gold: the cluster view draws sql01's line from esx1 to its peer.
  auto* cluster_a = qobject_cast<ClusterPage*>(w.result_tabs()->widget(0));
  ASSERT_NE(cluster_a, nullptr);
  const ClusterState& a_state = cluster_a->canvas()->state();
  ASSERT_EQ(a_state.replicas.size(), 1u);
  EXPECT_EQ(a_state.replicas[0].from, "esx1");
  EXPECT_EQ(a_state.replicas[0].to, "esx2");
  ASSERT_TRUE(w.pin_results());
  w.edit("datastores[0].policy.replicas", "0");
  w.edit("datastores[0].policy.mode", "\"write-through\"");
  ASSERT_TRUE(w.validation().ok) << w.validation().message.toStdString();
  ASSERT_TRUE(w.start_run());
  ASSERT_EQ(wait_for_end(w, 120000), RunProcess::Outcome::finished) << w.status().toStdString();
  ASSERT_TRUE(w.pinned().has_value());

  auto* compare = w.result_tabs()->widget(0)->findChild<QTableWidget*>();
  ASSERT_NE(compare, nullptr);
  EXPECT_EQ(w.result_tabs()->tabText(0), QStringLiteral("A/B"));
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
  w.result_tabs()->setCurrentIndex(2);
  EXPECT_EQ(w.result_tabs()->tabText(2), QStringLiteral("Latency"));
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
  EXPECT_EQ(report.count(QStringLiteral("data:image/png;base64,")), 8);
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
