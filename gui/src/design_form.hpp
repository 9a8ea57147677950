// DesignForm: the fields architects change most, built from a scenario document: the run's
// duration and seed, each host's cache device and capacity, each datastore's policy (mode and
// replicas). An edit is reported as a scenario path and a JSON value (edited), the form never
// changes the document itself. mark_invalid() flags the field a validation message names.
#pragma once

#include <nlohmann/json.hpp>

#include <QString>
#include <QWidget>

#include <map>
#include <string>

QT_BEGIN_NAMESPACE
class QFormLayout;
class QLabel;
QT_END_NAMESPACE

namespace flashtwin::gui {

class DesignForm : public QWidget {
  Q_OBJECT

 public:
  explicit DesignForm(QWidget* parent = nullptr);
  // Rebuilds the fields from `scenario` (no edited() is emitted).
  void load(const nlohmann::json& scenario);
  // Flags the field at `json_path` ("$.cluster.hosts[1].flash[0].capacity_gib", or a path inside
  // or above a field's) with `message`; an empty path clears every flag. Returns whether a field
  // was flagged.
  bool mark_invalid(const QString& json_path, const QString& message);
  // The field editing scenario path `path` ("duration_s"), or null.
  QWidget* field(const std::string& path) const;

 signals:
  void edited(const std::string& path, const std::string& json_value);

 private:
  void add_field(QFormLayout* form, const QString& label, const std::string& path, QWidget* w);

  std::map<std::string, QWidget*> fields_;
  QLabel* message_ = nullptr;
  bool loading_ = false;
};

}  // namespace flashtwin::gui
