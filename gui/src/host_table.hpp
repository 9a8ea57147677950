// The per-host table of a run (summary.json's hosts[]): each cache's capacity, the most it held
// and held dirty, the replicas it held for peers, its device's utilisation and p99 latencies, and
// its wear — drive writes per day against the device's rating, red above it.
#pragma once

#include "flashtwin/sim/results_folder.hpp"

#include <QtGlobal>

QT_BEGIN_NAMESPACE
class QTableWidget;
QT_END_NAMESPACE

namespace flashtwin::gui {

// Owned by the caller; no rows for a run without hosts.
QTableWidget* make_host_table(const sim::ResultsFolder& results);

}  // namespace flashtwin::gui
