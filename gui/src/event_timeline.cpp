#include "event_timeline.hpp"

#include "json_fields.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace flashtwin::gui {
namespace {

// The action of an event: its one key besides at_s.
std::string action_of(const nlohmann::json& event) {
  if (!event.is_object()) return {};
  for (const auto& [key, value] : event.items())
    if (key != "at_s") return key;
  return {};
}

QColor colour_of(const std::string& action) {
  if (action == "migrate") return {41, 128, 185};
  if (action == "fail_host" || action == "fail_flash" || action == "power_loss")
    return {192, 57, 43};
  if (action == "array_outage" || action == "array_slowdown") return {211, 84, 0};
  if (action == "cut_link") return {142, 68, 173};
  return {39, 174, 96};  // policy changes
}

// What a new event of `action` acts on, taken from the design.
nlohmann::json default_details(const std::string& action, const nlohmann::json& scenario) {
  const nlohmann::json hosts = array_at(member(scenario, "cluster"), "hosts");
  const nlohmann::json vms = array_at(scenario, "vms");
  const std::string first_host = hosts.empty() ? "" : hosts[0].value("name", "");
  const std::string vm = vms.empty() ? "" : vms[0].value("name", "");
  const std::string vm_host = vms.empty() ? "" : vms[0].value("host", "");
  if (action == "migrate") {
    std::string to;
    for (const nlohmann::json& h : hosts)
      if (h.value("name", "") != vm_host && to.empty()) to = h.value("name", "");
    return {{"vm", vm}, {"to", to}};
  }
  if (action == "fail_host" || action == "fail_flash") return {{"host", first_host}};
  if (action == "power_loss") return {{"duration_s", 5}};
  if (action == "array_outage") return {{"duration_s", 10}};
  if (action == "array_slowdown") return {{"factor", 4}, {"duration_s", 10}};
  if (action == "cut_link") {
    const bool leaf_spine = member(scenario, "cluster").value("topology", "") == "leaf-spine";
    const std::string rack = hosts.empty() ? "" : hosts[0].value("rack", first_host);
    return {{"link", first_host + "--" + (leaf_spine ? "tor-" + rack : std::string("switch"))},
            {"duration_s", 5}};
  }
  return {{"vm", vm}, {"policy", {{"mode", "write-through"}}}};  // vm_policy
}

}  // namespace

TimelineStrip::TimelineStrip(QWidget* parent) : QWidget(parent) {
  setToolTip(tr("The scenario's events on the run's time line"));
}

QSize TimelineStrip::sizeHint() const {
  return {360, fontMetrics().height() * 4};
}

void TimelineStrip::show_events(const nlohmann::json& events, double duration_s) {
  events_ = events;
  duration_s_ = duration_s > 0 ? duration_s : 1;
  update();
}

void TimelineStrip::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QFontMetrics fm = fontMetrics();
  const double left = 8, right = width() - 8;
  const double axis_y = height() - fm.height() - 4;
  auto x_of = [&](double t) {
    return left + (right - left) * std::clamp(t / duration_s_, 0.0, 1.0);
  };
  p.setPen(QColor(110, 110, 110));
  p.drawLine(QPointF(left, axis_y), QPointF(right, axis_y));
  for (int i = 0; i <= 4; ++i) {
    const double t = duration_s_ * i / 4;
    const double x = x_of(t);
    p.drawLine(QPointF(x, axis_y), QPointF(x, axis_y + 4));
    const QString label = QStringLiteral("%1 s").arg(t, 0, 'g', 4);
    const double w = fm.horizontalAdvance(label);
    p.drawText(QPointF(std::clamp(x - w / 2, 0.0, width() - w), height() - 4.0), label);
  }
  int lane = 0;
  for (const nlohmann::json& event : events_) {
    if (!event.is_object() || !event.contains("at_s") || !event["at_s"].is_number()) continue;
    const std::string action = action_of(event);
    const double x = x_of(event["at_s"].get<double>());
    const double y = 4 + (lane++ % 2) * fm.height();
    p.setPen(QPen(colour_of(action), 2));
    p.drawLine(QPointF(x, y + fm.height() * 0.5), QPointF(x, axis_y));
    p.setBrush(colour_of(action));
    p.drawEllipse(QPointF(x, axis_y), 3.5, 3.5);
    const QString label = QString::fromStdString(action);
    const double w = fm.horizontalAdvance(label);
    p.drawText(QPointF(std::clamp(x + 3, 0.0, width() - w), y + fm.ascent()), label);
  }
}

EventTimeline::EventTimeline(QWidget* parent) : QWidget(parent) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  strip_ = new TimelineStrip;
  column->addWidget(strip_);
  table_ = new QTableWidget(0, 3);
  table_->setObjectName(QStringLiteral("events"));
  table_->setHorizontalHeaderLabels({tr("at (s)"), tr("action"), tr("details (JSON)")});
  table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
  table_->verticalHeader()->setVisible(false);
  table_->setMinimumHeight(fontMetrics().height() * 7);
  column->addWidget(table_);
  auto* buttons = new QHBoxLayout;
  auto* add_button = new QPushButton(tr("Add event"));
  auto* menu = new QMenu(add_button);
  for (const char* action : {"migrate", "fail_host", "fail_flash", "power_loss", "array_outage",
                             "array_slowdown", "cut_link", "vm_policy"}) {
    menu->addAction(QString::fromLatin1(action), this, [this, action] { add(action); });
  }
  add_button->setMenu(menu);
  buttons->addWidget(add_button);
  auto* remove_button = new QPushButton(tr("Remove"));
  connect(remove_button, &QPushButton::clicked, this, [this] { remove(table_->currentRow()); });
  buttons->addWidget(remove_button);
  buttons->addStretch(1);
  column->addLayout(buttons);
  connect(table_, &QTableWidget::cellChanged, this, &EventTimeline::cell_changed);
}

void EventTimeline::load(const nlohmann::json& scenario) {
  scenario_ = scenario;
  events_ = array_at(scenario, "events");
  fill_table();
}

void EventTimeline::follow(const nlohmann::json& scenario) {
  scenario_ = scenario;
  if (array_at(scenario, "events") != events_) {  // changed elsewhere (an override, a reload)
    events_ = array_at(scenario, "events");
    fill_table();
  } else {
    strip_->show_events(events_, scenario_.value("duration_s", 1.0));
  }
}

void EventTimeline::fill_table() {
  filling_ = true;
  table_->setRowCount(static_cast<int>(events_.size()));
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const nlohmann::json& event = events_[i];
    const std::string action = action_of(event);
    const auto row = static_cast<int>(i);
    const nlohmann::json at = event.is_object() ? event.value("at_s", nlohmann::json()) : nullptr;
    table_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(at.dump())));
    auto* kind = new QTableWidgetItem(QString::fromStdString(action));
    kind->setFlags(kind->flags() & ~Qt::ItemIsEditable);
    kind->setForeground(colour_of(action));
    table_->setItem(row, 1, kind);
    table_->setItem(row, 2,
                    new QTableWidgetItem(QString::fromStdString(
                        action.empty() ? std::string("{}") : event[action].dump())));
  }
  table_->resizeColumnToContents(0);
  table_->resizeColumnToContents(1);
  strip_->show_events(events_, scenario_.value("duration_s", 1.0));
  filling_ = false;
}

void EventTimeline::cell_changed(int row, int column) {
  if (filling_ || row < 0 || row >= static_cast<int>(events_.size())) return;
  QTableWidgetItem* item = table_->item(row, column);
  nlohmann::json value = nlohmann::json::parse(item->text().toStdString(), nullptr, false);
  const bool ok = column == 0 ? value.is_number() : value.is_object();
  {
    const QSignalBlocker quiet(table_);  // decorating the cell is not an edit
    item->setBackground(ok ? QBrush() : QBrush(QColor(255, 205, 210)));
    item->setToolTip(ok            ? QString()
                     : column == 0 ? tr("a time in seconds")
                                   : tr("the action's details as a JSON object"));
  }
  if (!ok) return;
  nlohmann::json& event = events_[static_cast<std::size_t>(row)];
  if (column == 0) event["at_s"] = value;
  if (column == 2) event[action_of(event)] = value;
  strip_->show_events(events_, scenario_.value("duration_s", 1.0));
  emit edited("events", events_.dump());
}

void EventTimeline::add(const std::string& action) {
  const double middle = std::round(scenario_.value("duration_s", 2.0) / 2 * 10) / 10;
  events_.push_back({{"at_s", middle}, {action, default_details(action, scenario_)}});
  fill_table();
  emit edited("events", events_.dump());
}

void EventTimeline::remove(int row) {
  if (row < 0 || row >= static_cast<int>(events_.size())) return;
  events_.erase(events_.begin() + row);
  fill_table();
  emit edited("events", events_.dump());
}

}  // namespace flashtwin::gui
