// Small readers of scenario and summary documents for the GUI: a member that may be missing
// (read in place: null, or an empty object or array, then), a string member as text, a text as a
// JSON string value, and the policy modes.
#pragma once

#include <nlohmann/json.hpp>

#include <QString>
#include <QStringList>

#include <string>

namespace flashtwin::gui {

inline const QStringList& policy_modes() {
  static const QStringList modes = {QStringLiteral("pass-through"), QStringLiteral("write-through"),
                                    QStringLiteral("write-around"), QStringLiteral("write-back")};
  return modes;
}

// `text` as a JSON string ("\"write-back\""): the value of an edit.
inline std::string quoted(const QString& text) {
  return nlohmann::json(text.toStdString()).dump();
}

// object[key] in place, or null when `object` has no such key (never a temporary: `object` must
// outlive the reference).
inline const nlohmann::json& child(const nlohmann::json& object, const char* key) {
  static const nlohmann::json null;
  return object.is_object() && object.contains(key) ? object[key] : null;
}

// object[key] when it is a string, else "".
inline std::string text(const nlohmann::json& object, const char* key) {
  const nlohmann::json& value = child(object, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

// object[key] when it is an object, else {}.
inline nlohmann::json member(const nlohmann::json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_object()
             ? object[key]
             : nlohmann::json::object();
}

// object[key] when it is an array, else [] (a copy: `object` may be a temporary).
inline nlohmann::json array_at(const nlohmann::json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_array()
             ? object[key]
             : nlohmann::json::array();
}

}  // namespace flashtwin::gui
