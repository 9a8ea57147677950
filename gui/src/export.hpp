// Exports of what the workbench shows: a chart as PNG (its pixels at the view's size) or SVG
// (vector, via QSvgGenerator), a table as CSV (RFC 4180, '.' decimals as shown), and a one-page
// HTML report: a title, a table and the charts as embedded PNG images, in one file with no
// outside reference. Each returns false with the reason in `error` (a file it could not write is
// left as it was: written through QSaveFile).
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

QT_BEGIN_NAMESPACE
class QChartView;
class QTableWidget;
class QWidget;
QT_END_NAMESPACE

namespace flashtwin::gui {

// The format follows the suffix: .png or .svg. save_picture draws any widget (the cluster view).
bool save_chart(QChartView* view, const QString& path, QString& error);
bool save_picture(QWidget* view, const QString& title, const QString& path, QString& error);
bool save_table_csv(const QTableWidget* table, const QString& path, QString& error);
// `notes` (may be empty) are paragraphs between the title and the table.
bool save_html_report(const QString& path, const QString& title, const QTableWidget* table,
                      const std::vector<QChartView*>& charts, QString& error,
                      const QStringList& notes = {});

}  // namespace flashtwin::gui
