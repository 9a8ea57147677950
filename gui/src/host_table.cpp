#include "host_table.hpp"

#include <QHeaderView>
#include <QTableWidget>

#include <cmath>

namespace flashtwin::gui {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// summary[key][sub] (or summary[key]) as a number; NaN when missing or null.
double number_at(const nlohmann::json& host, const char* key, const char* sub = nullptr) {
  if (!host.contains(key)) return NAN;
  const nlohmann::json* value = &host[key];
  if (sub != nullptr) {
    if (!value->is_object() || !value->contains(sub)) return NAN;
    value = &(*value)[sub];
  }
  return value->is_number() ? value->get<double>() : NAN;
}

QString shown(double value, int decimals, const QString& unit = QString()) {
  if (std::isnan(value)) return QStringLiteral("—");
  return QString::number(value, 'f', decimals) +
         (unit.isEmpty() ? QString() : QLatin1Char(' ') + unit);
}

}  // namespace

QTableWidget* make_host_table(const sim::ResultsFolder& results) {
  const nlohmann::json hosts = results.summary.value("hosts", nlohmann::json::array());
  const QStringList header = {QStringLiteral("cache"),
                              QStringLiteral("capacity (GiB)"),
                              QStringLiteral("used max (GiB)"),
                              QStringLiteral("dirty max (GiB)"),
                              QStringLiteral("replicas max (GiB)"),
                              QStringLiteral("device busy (%)"),
                              QStringLiteral("read p99 (ms)"),
                              QStringLiteral("write p99 (ms)"),
                              QStringLiteral("wear (DWPD)"),
                              QStringLiteral("rated (DWPD)")};
  auto* table = new QTableWidget(static_cast<int>(hosts.size()), static_cast<int>(header.size()));
  table->setHorizontalHeaderLabels(header);
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const nlohmann::json& h = hosts[i];
    const double dwpd = number_at(h, "drive_writes_per_day");
    const double rated = number_at(h, "endurance_dwpd");
    const auto latency_ms = [&](const char* kind) -> double {
      if (!h.contains("flash_latency_ns") || !h["flash_latency_ns"].contains(kind)) return NAN;
      return number_at(h["flash_latency_ns"], kind, "p99") / 1e6;
    };
    const QStringList cells = {QString::fromStdString(h.value("name", "")),
                               shown(number_at(h, "flash_bytes") / kGiB, 1),
                               shown(number_at(h, "used_bytes", "max") / kGiB, 2),
                               shown(number_at(h, "dirty_bytes", "max") / kGiB, 2),
                               shown(number_at(h, "replica_bytes", "max") / kGiB, 2),
                               shown(number_at(h, "utilisation") * 100, 1),
                               shown(latency_ms("reads"), 3),
                               shown(latency_ms("writes"), 3),
                               shown(dwpd, 2),
                               shown(rated, 1)};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (c > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      table->setItem(static_cast<int>(i), c, item);
    }
    if (!std::isnan(dwpd) && !std::isnan(rated) && dwpd > rated) {
      table->item(static_cast<int>(i), 8)->setBackground(QColor(255, 205, 210));
      table->item(static_cast<int>(i), 8)
          ->setToolTip(QStringLiteral("writes more per day than the device is rated for"));
    }
  }
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->verticalHeader()->setVisible(false);
  table->resizeColumnsToContents();
  return table;
}

}  // namespace flashtwin::gui
