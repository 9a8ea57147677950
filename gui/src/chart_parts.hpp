// The parts every chart of the workbench is built from, so that a run's charts (result_charts.hpp)
// and a sweep's (sweep_report.hpp) look and behave alike: a large bold title, values on hover, a
// click on a legend entry to show or hide a series, the plotted values as a table beside the chart.
#pragma once

#include "result_charts.hpp"

#include <QString>

#include <vector>

QT_BEGIN_NAMESPACE
class QAbstractSeries;
class QChart;
class QTableWidget;
class QXYSeries;
QT_END_NAMESPACE

namespace flashtwin::gui {

// A chart with its title set large and bold; owned by the caller (or the view it goes into).
QChart* titled_chart(const QString& title);
// Shows "series, x x_unit, y y_title" where the pointer rests on a point of `series`.
void show_values_on_hover(QXYSeries* series, const QString& y_title,
                          const QString& x_unit = QStringLiteral("s"));
// The plotted values as a table: one row per x, one column per series (area layers: the layer's
// own height).
QTableWidget* values_table(const std::vector<QAbstractSeries*>& series,
                           const QString& x_title = QStringLiteral("time (s)"));
// A click on a legend entry shows or hides its series (the scenario events' markers excepted).
void toggle_series_from_legend(QChart* chart);
// The tab's page: the chart (legend below) and its table of values side by side.
NamedChart chart_page(const QString& tab, QChart* chart, QTableWidget* table);

}  // namespace flashtwin::gui
