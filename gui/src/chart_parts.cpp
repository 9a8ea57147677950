// The parts every chart of the workbench and of its reports is built from (see chart_parts.hpp).
#include "chart_parts.hpp"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QHeaderView>
#include <QLegendMarker>
#include <QLineSeries>
#include <QSplitter>
#include <QTableWidget>
#include <QToolTip>

#include <map>

namespace flashtwin::gui {

// Shows "series: x s, y unit" where the pointer rests on a line.
void show_values_on_hover(QXYSeries* series, const QString& y_title, const QString& x_unit) {
  QObject::connect(series, &QXYSeries::hovered, series,
                   [series, y_title, x_unit](const QPointF& point, bool state) {
                     if (!state) return;
                     QToolTip::showText(QCursor::pos(), QStringLiteral("%1\n%2 %3\n%4 %5")
                                                            .arg(series->name())
                                                            .arg(point.x(), 0, 'f', 2)
                                                            .arg(x_unit)
                                                            .arg(point.y(), 0, 'g', 5)
                                                            .arg(y_title));
                   });
}

// The plotted values as a table: one row per time, one column per series (area layers: the
// layer's own height).
QTableWidget* values_table(const std::vector<QAbstractSeries*>& series, const QString& x_title) {
  std::map<double, std::vector<QString>> rows;
  QStringList header{x_title};
  for (std::size_t i = 0; i < series.size(); ++i) {
    header << series[i]->name();
    auto put = [&](double x, double y) {
      std::vector<QString>& row = rows[x];
      row.resize(series.size());
      row[i] = QString::number(y, 'g', 6);
    };
    if (auto* area = qobject_cast<QAreaSeries*>(series[i])) {
      const QList<QPointF> upper = area->upperSeries()->points();
      const QList<QPointF> lower = area->lowerSeries()->points();
      for (qsizetype p = 0; p < upper.size() && p < lower.size(); ++p)
        put(upper[p].x(), upper[p].y() - lower[p].y());
    } else if (auto* xy = qobject_cast<QXYSeries*>(series[i])) {
      for (const QPointF& p : xy->points())
        put(p.x(), p.y());
    }
  }
  auto* table = new QTableWidget(static_cast<int>(rows.size()), static_cast<int>(header.size()));
  table->setHorizontalHeaderLabels(header);
  int r = 0;
  for (const auto& [x, values] : rows) {
    table->setItem(r, 0, new QTableWidgetItem(QString::number(x, 'g', 6)));
    for (std::size_t c = 0; c < values.size(); ++c)
      table->setItem(r, static_cast<int>(c) + 1, new QTableWidgetItem(values[c]));
    ++r;
  }
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->verticalHeader()->setVisible(false);
  table->resizeColumnsToContents();
  return table;
}

namespace {

// A legend entry's look: full for a line shown, faded for one hidden.
void show_marker_state(QLegendMarker* marker) {
  marker->setVisible(true);  // hiding a series hides its marker: keep it, to show the line again
  QColor label = marker->labelBrush().color();
  label.setAlphaF(marker->series()->isVisible() ? 1.0F : 0.4F);
  marker->setLabelBrush(label);
}

}  // namespace

void toggle_series_from_legend(QChart* chart) {
  for (QLegendMarker* marker : chart->legend()->markers()) {
    if (marker->series()->name() == QLatin1String("scenario events")) continue;
    show_marker_state(marker);
    QObject::connect(marker, &QLegendMarker::clicked, marker, [marker] {
      marker->series()->setVisible(!marker->series()->isVisible());
      show_marker_state(marker);
    });
  }
}

// A chart with its title set large and bold.
QChart* titled_chart(const QString& title) {
  auto* chart = new QChart;
  chart->setTitle(title);
  QFont title_font = chart->titleFont();
  title_font.setPointSizeF(title_font.pointSizeF() * 1.25);
  title_font.setBold(true);
  chart->setTitleFont(title_font);
  return chart;
}

// The tab's page: the chart (legend below) and its table of values side by side.
NamedChart chart_page(const QString& tab, QChart* chart, QTableWidget* table) {
  chart->legend()->setAlignment(Qt::AlignBottom);
  auto* view = new QChartView(chart);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumSize(420, 300);
  auto* page = new QSplitter(Qt::Horizontal);
  page->addWidget(view);
  page->addWidget(table);
  page->setStretchFactor(0, 4);
  page->setStretchFactor(1, 1);
  page->setSizes({700, 180});
  return NamedChart{tab, page, view};
}

}  // namespace flashtwin::gui
