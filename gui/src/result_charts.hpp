// Charts of a run's results (sim::ResultsFolder), each with a title, axis titles with their units
// and a legend; points where a value is undefined (an interval without reads) are left out.
// Every chart here is built from the result files alone, so a results folder opened from disk
// shows the same charts as a run just finished.
#pragma once

#include "flashtwin/sim/results_folder.hpp"

#include <QString>
#include <QWidget>

#include <vector>

QT_BEGIN_NAMESPACE
class QChartView;
class QTableWidget;
QT_END_NAMESPACE

namespace flashtwin::gui {

struct NamedChart {
  QString name;  // the tab's
  QChartView* view = nullptr;
};

// Cluster latency p50 / p99 over time (ms); where reads were served (local flash, remote flash,
// array: % of read blocks, stacked); the array's IOPS (reads, writes, destage); dirty data and
// data at risk (MiB); p99 latency per VM (ms). Owned by the caller.
std::vector<NamedChart> make_result_charts(const sim::ResultsFolder& results);
// The key figures (results_folder.hpp) as a two-column table; owned by the caller.
QTableWidget* make_key_figures_table(const sim::ResultsFolder& results);

}  // namespace flashtwin::gui
