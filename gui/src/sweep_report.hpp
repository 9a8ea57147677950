// A sweep's report (docs/SWEEPS.md, "The report"), drawn from its results.json with the
// workbench's chart parts (chart_parts.hpp): p99 read latency against cost and array offload
// against cost, every design a point and the Pareto front marked; the largest data at risk per
// replica count (when an axis sets replicas; else data at risk against cost); the designs' table
// with the front highlighted; the best design per SLO. `flashtwin-gui --sweep-report DIR` writes
// it as DIR/report.html, one self-contained file (charts as embedded PNG), which `flashtwin
// sweep` asks for after each merge when flashtwin-gui is installed beside it.
#pragma once

#include "flashtwin/sim/sweep_results.hpp"

#include <QString>
#include <QStringList>

#include <vector>

QT_BEGIN_NAMESPACE
class QChart;
class QTableWidget;
QT_END_NAMESPACE

namespace flashtwin::gui {

// Owned by the caller (or the views they go into).
std::vector<QChart*> make_sweep_charts(const sim::SweepResultsFile& results);
QTableWidget* make_sweep_table(const sim::SweepResultsFile& results);
// What the report says above its charts: the base, the counts, the best design per SLO.
QStringList sweep_notes(const sim::SweepResultsFile& results);
// Reads FOLDER/results.json and writes FOLDER/report.html; false with the reason in `error`.
bool write_sweep_report(const QString& folder, QString& error);

}  // namespace flashtwin::gui
