// EventTimeline: the scenario's events (migrations, failures, policy changes, array and link
// faults) on a time line from 0 to the run's duration, one marker per event, and beside it the
// list to edit: each event's time, its action, and the action's details as JSON (`{"vm": "sql01",
// "to": "esx2"}`). Add puts a new event of a chosen kind at the middle of the run with details
// filled from the design (the first VM, another host); Remove deletes the selected one. Every
// change is reported as the whole `events` array (edited), which the design keeps as one
// `--set events=[...]` override, so `flashtwin validate` judges the result. Details that are not
// a JSON object are flagged in their cell and not reported.
#pragma once

#include <nlohmann/json.hpp>

#include <QWidget>

#include <string>

QT_BEGIN_NAMESPACE
class QTableWidget;
QT_END_NAMESPACE

namespace flashtwin::gui {

// The strip: a time axis (seconds) with a coloured marker and a short label per event.
class TimelineStrip : public QWidget {
  Q_OBJECT

 public:
  explicit TimelineStrip(QWidget* parent = nullptr);
  void show_events(const nlohmann::json& events, double duration_s);
  QSize sizeHint() const override;
  QSize minimumSizeHint() const override { return sizeHint(); }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  nlohmann::json events_ = nlohmann::json::array();
  double duration_s_ = 1;
};

class EventTimeline : public QWidget {
  Q_OBJECT

 public:
  explicit EventTimeline(QWidget* parent = nullptr);
  // Shows `scenario`'s events (no edited() is emitted).
  void load(const nlohmann::json& scenario);
  // The design after an edit: its duration (the strip's scale, where Add puts an event) and,
  // when they changed elsewhere, its events.
  void follow(const nlohmann::json& scenario);
  // Adds an event of `action` ("migrate", "fail_host", "fail_flash", "power_loss",
  // "array_outage", "array_slowdown", "cut_link", "vm_policy") at the middle of the run.
  void add(const std::string& action);
  void remove(int row);
  QTableWidget* table() const { return table_; }
  const nlohmann::json& events() const { return events_; }

 signals:
  void edited(const std::string& path, const std::string& json_value);

 private:
  void fill_table();
  void cell_changed(int row, int column);

  nlohmann::json scenario_;
  nlohmann::json events_ = nlohmann::json::array();
  TimelineStrip* strip_ = nullptr;
  QTableWidget* table_ = nullptr;
  bool filling_ = false;
};

}  // namespace flashtwin::gui
