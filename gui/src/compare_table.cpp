#include "compare_table.hpp"

#include "flashtwin/sim/key_figures.hpp"
#include "result_charts.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace flashtwin::gui {

QTableWidget* make_compare_table(const sim::ResultsFolder& a, const QString& a_label,
                                 const sim::ResultsFolder& b, const QString& b_label) {
  const std::vector<sim::Figure> fa = sim::figure_list(sim::key_figures(a));
  const std::vector<sim::Figure> fb = sim::figure_list(sim::key_figures(b));
  auto* table = new QTableWidget(static_cast<int>(fa.size()), 5);
  table->setHorizontalHeaderLabels({QStringLiteral("figure"), QStringLiteral("A"),
                                    QStringLiteral("B"), QStringLiteral("B − A"),
                                    QStringLiteral("better")});
  table->horizontalHeaderItem(1)->setToolTip(a_label);
  table->horizontalHeaderItem(2)->setToolTip(b_label);
  const QColor good(200, 235, 200);
  for (std::size_t i = 0; i < fa.size() && i < fb.size(); ++i) {
    const auto row = static_cast<int>(i);
    table->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(fa[i].name)));
    auto* va = new QTableWidgetItem(shown(fa[i], fa[i].value));
    auto* vb = new QTableWidgetItem(shown(fb[i], fb[i].value));
    QString difference = QStringLiteral("—");
    if (!std::isnan(fa[i].value) && !std::isnan(fb[i].value)) {
      const double d = fb[i].value - fa[i].value;
      difference = (d > 0 ? QStringLiteral("+") : QString()) + shown(fa[i], d);
      if (fa[i].value != 0)
        difference += QStringLiteral(" (%1%2 %)")
                          .arg(d > 0 ? QStringLiteral("+") : QString())
                          .arg(100 * d / std::abs(fa[i].value), 0, 'f', 1);
    }
    QString better;
    switch (sim::better_of(fa[i], fb[i])) {
      case sim::Better::a:
        better = QStringLiteral("A");
        va->setBackground(good);
        break;
      case sim::Better::b:
        better = QStringLiteral("B");
        vb->setBackground(good);
        break;
      case sim::Better::same:
        better = QStringLiteral("same");
        break;
      case sim::Better::undefined:
        better = QStringLiteral("—");
        break;
    }
    for (QTableWidgetItem* item : {va, vb})
      item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    table->setItem(row, 1, va);
    table->setItem(row, 2, vb);
    auto* diff = new QTableWidgetItem(difference);
    diff->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    table->setItem(row, 3, diff);
    auto* which = new QTableWidgetItem(better);
    which->setTextAlignment(Qt::AlignCenter);
    table->setItem(row, 4, which);
  }
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  table->verticalHeader()->setVisible(false);
  return table;
}

QWidget* make_compare_page(const sim::ResultsFolder& a, const QString& a_label,
                           const sim::ResultsFolder& b, const QString& b_label) {
  auto* page = new QWidget;
  auto* column = new QVBoxLayout(page);
  auto* caption = new QLabel(QStringLiteral("<b>A</b>: %1<br><b>B</b>: %2")
                                 .arg(a_label.toHtmlEscaped(), b_label.toHtmlEscaped()));
  caption->setWordWrap(true);
  caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
  column->addWidget(caption);
  column->addWidget(make_compare_table(a, a_label, b, b_label), 1);
  return page;
}

}  // namespace flashtwin::gui
