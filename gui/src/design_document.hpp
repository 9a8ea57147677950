// DesignDocument: the scenario being designed in the GUI. A base — a scenario file, or the
// embedded default — and the edits made in the form, kept as `--set` overrides
// (flashtwin/sim/scenario_overrides.hpp). A run and a validation are given exactly the base file
// and those overrides, so trace paths stay relative to the file and the messages are the ones
// `flashtwin validate` gives. Saving writes the edited document and makes it the new base.
#pragma once

#include <nlohmann/json.hpp>

#include <QString>
#include <QStringList>

#include <string>
#include <utility>
#include <vector>

namespace flashtwin::gui {

class DesignDocument {
 public:
  // The embedded default scenario.
  DesignDocument();
  // Throws std::runtime_error naming the file when it cannot be read or is not a JSON object.
  static DesignDocument open(const QString& path);

  const QString& path() const { return path_; }  // empty: the embedded default
  const nlohmann::json& json() const { return edited_; }
  // Records `path=value` as the last edit; earlier edits of the same path or of paths inside it
  // (`cluster.hosts[0].flash[0].capacity_gib` under `cluster.hosts[0].flash`) are dropped. Throws
  // sim::ScenarioError when the path does not lead into the document; nothing changes then.
  void set(const std::string& path, const std::string& value);
  // The edits as `--set` arguments, in the order made.
  QStringList overrides() const;
  // Writes the edited document (2-space JSON) to `path`; it becomes the base, with no edits.
  // Throws std::runtime_error naming the file on failure (the file is left as it was).
  void save_as(const QString& path);

 private:
  QString path_;
  nlohmann::json base_;
  nlohmann::json edited_;
  std::vector<std::pair<std::string, std::string>> edits_;
};

}  // namespace flashtwin::gui
