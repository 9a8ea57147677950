#include "design_document.hpp"

#include "flashtwin/sim/default_scenario.hpp"
#include "flashtwin/sim/scenario_overrides.hpp"

#include <QFile>
#include <QSaveFile>

#include <algorithm>
#include <stdexcept>

namespace flashtwin::gui {

DesignDocument::DesignDocument()
    : base_(nlohmann::json::parse(sim::default_scenario_json())), edited_(base_) {}

DesignDocument DesignDocument::open(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly))
    throw std::runtime_error(path.toStdString() + ": " + file.errorString().toStdString());
  DesignDocument d;
  try {
    d.base_ = nlohmann::json::parse(file.readAll().toStdString());
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path.toStdString() + " is not valid JSON: " + e.what());
  }
  if (!d.base_.is_object())
    throw std::runtime_error(path.toStdString() + " is not a scenario: not a JSON object");
  d.path_ = path;
  d.edited_ = d.base_;
  return d;
}

void DesignDocument::set(const std::string& path, const std::string& value) {
  nlohmann::json trial = edited_;
  sim::apply_override(trial, path + "=" + value);  // throws before anything here changes
  // Earlier edits of this path or inside it are part of the new value now: the last edit wins.
  std::erase_if(edits_, [&](const auto& edit) {
    const std::string& earlier = edit.first;
    return earlier == path || (earlier.size() > path.size() && earlier.starts_with(path) &&
                               (earlier[path.size()] == '.' || earlier[path.size()] == '['));
  });
  edits_.emplace_back(path, value);
  edited_ = std::move(trial);
}

QStringList DesignDocument::overrides() const {
  QStringList list;
  for (const auto& [path, value] : edits_)
    list << QString::fromStdString(path + "=" + value);
  return list;
}

void DesignDocument::save_as(const QString& path) {
  QSaveFile file(path);
  const std::string text = edited_.dump(2) + "\n";
  if (!file.open(QIODevice::WriteOnly) ||
      file.write(text.data(), static_cast<qint64>(text.size())) !=
          static_cast<qint64>(text.size()) ||
      !file.commit()) {
    throw std::runtime_error(path.toStdString() + ": " + file.errorString().toStdString());
  }
  path_ = path;
  base_ = edited_;
  edits_.clear();
}

}  // namespace flashtwin::gui
