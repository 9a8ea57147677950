// Charts of a run's results (sim::ResultsFolder), each with a title, axis titles with their units,
// a legend, the scenario's events as dotted vertical lines, values on hover, and a table of the
// plotted values beside it. Points where a value is undefined (an interval without reads) are
// left out. With a pinned run A, the charts overlay A's lines (dashed, "A: ...") on this run's
// ("B: ..."). Every chart is built from the result files alone, so a results folder opened from
// disk shows the same charts as a run just finished.
#pragma once

#include "flashtwin/sim/key_figures.hpp"
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
  QString name;                // the tab's
  QWidget* page = nullptr;     // the chart and its table side by side; owned by the caller
  QChartView* view = nullptr;  // inside page
};

// Cluster latency p50 / p99 over time (ms); the latency distribution (CDF on a log latency axis,
// reads and writes, with and without the tier; when the folder has latency_cdf.csv); where reads
// were served (local flash, remote flash, array: % of read blocks, stacked); the array's IOPS
// (reads, writes, destage; and without the tier, when the folder has timeseries_baseline.csv); the
// array backend's busy share (%, with and without the tier); the network by purpose (MB/s,
// stacked); dirty data and data at risk (MiB); latency per VM (ms: p99 shown, p50 hidden). A
// click on a legend entry shows or hides its line. Columns a folder of an
// older version lacks are left out. `pinned` (may be null) is overlaid as A.
std::vector<NamedChart> make_result_charts(const sim::ResultsFolder& results,
                                           const sim::ResultsFolder* pinned = nullptr);
// The key figures (key_figures.hpp) as a two-column table; owned by the caller.
QTableWidget* make_key_figures_table(const sim::ResultsFolder& results);
// A figure's value as shown: its decimals and unit ("2.500 ms"), "—" when undefined.
QString shown(const sim::Figure& figure, double value);

}  // namespace flashtwin::gui
