// The A/B comparison of two runs' key figures (key_figures.hpp): A, B, the difference B − A (and
// relative, where A is not zero), and which is better — the main workflow ("one replica or
// two", "400 or 800 GB", "NVMe or SATA", "write-through or write-back").
#pragma once

#include "flashtwin/sim/results_folder.hpp"

#include <QString>

QT_BEGIN_NAMESPACE
class QTableWidget;
class QWidget;
QT_END_NAMESPACE

namespace flashtwin::gui {

// Owned by the caller. Columns A and B carry each run's label (its design: file and edits) as
// their tooltip; make_compare_page() shows the labels above the table.
QTableWidget* make_compare_table(const sim::ResultsFolder& a, const QString& a_label,
                                 const sim::ResultsFolder& b, const QString& b_label);

QWidget* make_compare_page(const sim::ResultsFolder& a, const QString& a_label,
                           const sim::ResultsFolder& b, const QString& b_label);

}  // namespace flashtwin::gui
