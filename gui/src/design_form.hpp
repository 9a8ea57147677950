// DesignForm: the fields architects change most, built from a scenario document — the run's
// duration and seed; the network (topology, links) and the array preset; each host's NIC, cache
// device, capacity and RAM tier; each datastore's policy (mode, replicas); each VM's host, policy
// and workload (a synthetic pattern with its rate and read share, or a trace file chosen with a
// file dialog and described by `flashtwin trace info`); and the events on a time line
// (EventTimeline). An edit is reported as a scenario path and a JSON value (edited); the form
// never changes the document itself. mark_invalid() flags the field a validation message names.
#pragma once

#include <nlohmann/json.hpp>

#include <QString>
#include <QStringList>
#include <QWidget>

#include <map>
#include <string>

QT_BEGIN_NAMESPACE
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
QT_END_NAMESPACE

namespace flashtwin::gui {

class EventTimeline;

class DesignForm : public QWidget {
  Q_OBJECT

 public:
  explicit DesignForm(QWidget* parent = nullptr);
  // Rebuilds the fields from `scenario` (no edited() is emitted).
  void load(const nlohmann::json& scenario);
  // The design as it is after an edit, without rebuilding the fields (focus stays): edits that
  // send a whole object (a RAM tier, a VM's policy, a workload) start from it.
  void follow(const nlohmann::json& scenario);
  // Flags the field at `json_path` ("$.cluster.hosts[1].flash[0].capacity_gib", or a path inside
  // or above a field's) with `message`; an empty path clears every flag. Returns whether a field
  // was flagged.
  bool mark_invalid(const QString& json_path, const QString& message);
  // The field editing scenario path `path` ("duration_s", "events"), or null.
  QWidget* field(const std::string& path) const;
  // Makes disk `disk` of VM `vm` replay `file` (what the file dialog does) and shows what
  // `flashtwin trace info` says of it under the workload; returns that text.
  QString choose_trace(std::size_t vm, std::size_t disk, const QString& file);
  EventTimeline* events() const { return events_; }

 signals:
  void edited(const std::string& path, const std::string& json_value);

 private:
  void add_field(QFormLayout* form, const QString& label, const std::string& path, QWidget* w);
  QDoubleSpinBox* number_field(QFormLayout* form, const QString& label, const std::string& path,
                               double value, double low, double high, int decimals,
                               const QString& suffix);
  QSpinBox* integer_field(QFormLayout* form, const QString& label, const std::string& path,
                          int value, int low, int high);
  QComboBox* choice_field(QFormLayout* form, const QString& label, const std::string& path,
                          const QStringList& choices, const QString& current);
  void add_run(const nlohmann::json& scenario);
  void add_network(const nlohmann::json& scenario);
  void add_hosts(const nlohmann::json& scenario);
  void add_datastores(const nlohmann::json& scenario);
  void add_vms(const nlohmann::json& scenario);
  // From the design as it is now: VM `vm` (null past the last), the policy it runs (its own,
  // else its datastore's), and the workload of its disk `disk` ({} when there is none).
  const nlohmann::json* vm_now(std::size_t vm) const;
  nlohmann::json running_policy(std::size_t vm) const;
  nlohmann::json workload_now(std::size_t vm, std::size_t disk) const;
  void add_workload(QFormLayout* form, const QString& vm_name, std::size_t vm, std::size_t disk,
                    const nlohmann::json& workload);

  nlohmann::json scenario_;  // the design as it is now (load, follow)
  std::map<std::string, QWidget*> fields_;
  std::map<std::string, QLabel*> trace_notes_;  // by workload path: trace info's text
  EventTimeline* events_ = nullptr;
  QLabel* message_ = nullptr;
  bool loading_ = false;
};

}  // namespace flashtwin::gui
