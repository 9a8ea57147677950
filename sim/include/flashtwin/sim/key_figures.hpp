// The key figures of a run, as an architect compares two designs ("one replica or two", "400 or
// 800 GB", "NVMe or SATA"): read from a results folder's summary.json, listed with their display
// units, and compared figure by figure (which design is better, and by how much). Part of
// flashtwin_documents (no SimGrid): the GUI's compare view and later reports use it.
#pragma once

#include "flashtwin/sim/results_folder.hpp"

#include <string>
#include <vector>

namespace flashtwin::sim {

// NaN where the run has none (no baseline: no offload nor gain; no writes: no write latency).
struct KeyFigures {
  double read_p50_ms = 0, read_p99_ms = 0;
  double write_p50_ms = 0, write_p99_ms = 0;
  double read_hit_ratio = 0;       // read blocks served from flash (local + remote)
  double array_read_offload = 0;   // share of the baseline's array reads the tier absorbed
  double array_write_offload = 0;  // and of its array writes
  double latency_gain_mean = 0;    // baseline mean latency / with the tier
  double bytes_at_risk_max = 0;    // dirty bytes with fewer copies than asked, at most
  double acknowledged_writes_lost = 0;
  double drive_writes_per_day = 0;  // the most worn host's flash
  double violations = 0;            // the oracle's
};

KeyFigures key_figures(const ResultsFolder& results);

// One figure as shown: its name, value in display units (ms, %, MiB, DWPD), decimals to show,
// and which way is better.
struct Figure {
  std::string name;
  std::string unit;
  double value = 0;
  int decimals = 0;
  bool lower_is_better = true;
};
std::vector<Figure> figure_list(const KeyFigures& k);

enum class Better { a, b, same, undefined };
// Which of two values of one figure is better: `same` when they differ by less than half a unit
// of its last shown decimal or by under 0.5 %; `undefined` when either is NaN.
Better better_of(const Figure& a, const Figure& b);

}  // namespace flashtwin::sim
