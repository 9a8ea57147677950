#include "design_form.hpp"

#include "event_timeline.hpp"
#include "json_fields.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace flashtwin::gui {

DesignForm::DesignForm(QWidget* parent) : QWidget(parent) {
  new QVBoxLayout(this);
}

void DesignForm::add_field(QFormLayout* form, const QString& label, const std::string& path,
                           QWidget* w) {
  form->setRowWrapPolicy(QFormLayout::WrapLongRows);  // labels above fields in a narrow pane
  w->setObjectName(QString::fromStdString(path));
  w->setToolTip(QString::fromStdString("scenario path: " + path));
  form->addRow(label, w);
  fields_[path] = w;
}

QDoubleSpinBox* DesignForm::number_field(QFormLayout* form, const QString& label,
                                         const std::string& path, double value, double low,
                                         double high, int decimals, const QString& suffix) {
  auto* box = new QDoubleSpinBox;
  box->setRange(low, high);
  box->setDecimals(decimals);
  box->setSuffix(suffix);
  box->setValue(value);
  add_field(form, label, path, box);
  connect(box, &QDoubleSpinBox::valueChanged, this, [this, path](double v) {
    if (!loading_) emit edited(path, nlohmann::json(v).dump());
  });
  return box;
}

QSpinBox* DesignForm::integer_field(QFormLayout* form, const QString& label,
                                    const std::string& path, int value, int low, int high) {
  auto* box = new QSpinBox;
  box->setRange(low, high);
  box->setValue(value);
  add_field(form, label, path, box);
  connect(box, &QSpinBox::valueChanged, this, [this, path](int v) {
    if (!loading_) emit edited(path, std::to_string(v));
  });
  return box;
}

QComboBox* DesignForm::choice_field(QFormLayout* form, const QString& label,
                                    const std::string& path, const QStringList& choices,
                                    const QString& current) {
  auto* box = new QComboBox;
  box->addItems(choices);
  box->setCurrentText(current);
  add_field(form, label, path, box);
  connect(box, &QComboBox::currentTextChanged, this, [this, path](const QString& text) {
    if (!loading_) emit edited(path, quoted(text));
  });
  return box;
}

void DesignForm::follow(const nlohmann::json& scenario) {
  scenario_ = scenario;
  loading_ = true;
  try {
    if (events_ != nullptr) events_->follow(scenario);
    // A VM following its datastore shows the datastore's policy as it is now.
    for (std::size_t vm = 0; vm_now(vm) != nullptr; ++vm) {
      const std::string at = "vms[" + std::to_string(vm) + "].policy";
      const nlohmann::json policy = running_policy(vm);
      if (auto* mode = qobject_cast<QComboBox*>(field(at + ".mode")))
        mode->setCurrentText(QString::fromStdString(policy.value("mode", "write-through")));
      if (auto* replicas = qobject_cast<QSpinBox*>(field(at + ".replicas")))
        replicas->setValue(policy.value("replicas", 0));
    }
  } catch (const nlohmann::json::exception&) {
    // A value of another type than the format's: validate's message names it; the fields stay.
  }
  loading_ = false;
}

void DesignForm::load(const nlohmann::json& scenario) {
  loading_ = true;
  scenario_ = scenario;
  fields_.clear();
  trace_notes_.clear();
  QLayout* root = layout();
  while (QLayoutItem* item = root->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  events_ = nullptr;
  try {
    add_run(scenario);
    add_network(scenario);
    add_hosts(scenario);
    add_datastores(scenario);
    add_vms(scenario);
    auto* events = new QGroupBox(tr("Events on the time line"));
    root->addWidget(events);
    auto* events_column = new QVBoxLayout(events);
    auto* timeline = new EventTimeline;
    events_column->addWidget(timeline);
    timeline->load(scenario);
    events_ = timeline;
    fields_["events"] = events_->table();
    connect(events_, &EventTimeline::edited, this, &DesignForm::edited);
  } catch (const nlohmann::json::exception&) {
    // A value of another type than the scenario format's (a text where a number goes): the
    // form stops there; `flashtwin validate`'s message, under it, names the value.
    auto* stopped =
        new QLabel(tr("The form stops here: a value of the scenario has a type it "
                      "cannot show. Mend it in the file (the message below names "
                      "it) and open the file again."));
    stopped->setWordWrap(true);
    root->addWidget(stopped);
  }

  message_ = new QLabel;
  message_->setWordWrap(true);
  message_->setObjectName(QStringLiteral("validation"));
  root->addWidget(message_);
  static_cast<QVBoxLayout*>(root)->addStretch(1);
  loading_ = false;
}

void DesignForm::add_run(const nlohmann::json& scenario) {
  auto* run = new QGroupBox(tr("Run"));
  auto* form = new QFormLayout(run);
  number_field(form, tr("Duration (simulated)"), "duration_s", scenario.value("duration_s", 60.0),
               0.001, 1e7, 3, tr(" s"));
  integer_field(form, tr("Seed"), "seed", scenario.value("seed", 1), 0, 2147483647);
  layout()->addWidget(run);
}

void DesignForm::add_network(const nlohmann::json& scenario) {
  auto* group = new QGroupBox(tr("Network and array"));
  auto* form = new QFormLayout(group);
  const nlohmann::json cluster = member(scenario, "cluster");
  choice_field(form, tr("Topology"), "cluster.topology",
               {QStringLiteral("single-switch"), QStringLiteral("leaf-spine")},
               QString::fromStdString(cluster.value("topology", "single-switch")));
  number_field(form, tr("Link latency"), "cluster.link_latency_us",
               cluster.value("link_latency_us", 5.0), 0, 1e6, 1, tr(" µs"));
  number_field(form, tr("Spine uplinks"), "cluster.spine_gbps", cluster.value("spine_gbps", 40.0),
               0.1, 1e5, 1, tr(" Gb/s"));
  choice_field(form, tr("Array network"), "cluster.array_network",
               {QStringLiteral("shared"), QStringLiteral("dedicated")},
               QString::fromStdString(cluster.value("array_network", "shared")));
  number_field(form, tr("Array links"), "cluster.array_gbps", cluster.value("array_gbps", 32.0),
               0.1, 1e5, 1, tr(" Gb/s"));
  auto* preset =
      new QLineEdit(QString::fromStdString(member(scenario, "array").value("preset", "")));
  preset->setPlaceholderText(tr("an array preset, e.g. hybrid-10k"));
  add_field(form, tr("Array preset"), "array.preset", preset);
  connect(preset, &QLineEdit::editingFinished, this, [this, preset] {
    if (!loading_) emit edited("array.preset", quoted(preset->text()));
  });
  layout()->addWidget(group);
}

void DesignForm::add_hosts(const nlohmann::json& scenario) {
  auto* hosts = new QGroupBox(tr("Hosts and their caches"));
  auto* form = new QFormLayout(hosts);
  const nlohmann::json host_list = array_at(member(scenario, "cluster"), "hosts");
  for (std::size_t i = 0; i < host_list.size(); ++i) {
    const nlohmann::json& host = host_list[i];
    const std::string at = "cluster.hosts[" + std::to_string(i) + "]";
    const QString name = QString::fromStdString(host.value("name", "host " + std::to_string(i)));
    number_field(form, tr("%1: NIC").arg(name), at + ".nic_gbps", host.value("nic_gbps", 10.0), 0.1,
                 1e5, 1, tr(" Gb/s"));
    const nlohmann::json flash = array_at(host, "flash");
    const auto is_ram = [](const nlohmann::json& d) { return d.value("device", "") == "ram"; };
    const auto ram = std::find_if(flash.begin(), flash.end(), is_ram);
    if (flash.empty() || (flash.size() == 1 && ram != flash.end())) {
      form->addRow(
          name,
          new QLabel(host.contains("remote_flash")
                         ? tr("no flash; caches on %1")
                               .arg(QString::fromStdString(host["remote_flash"].get<std::string>()))
                     : flash.empty() ? tr("no flash (pass-through)")
                                     : tr("a RAM cache only")));
      continue;
    }
    const std::string device_at = at + ".flash[0]";
    auto* device = new QLineEdit(QString::fromStdString(flash[0].value("device", "")));
    add_field(form, tr("%1: flash device").arg(name), device_at + ".device", device);
    connect(device, &QLineEdit::editingFinished, this, [this, device, device_at] {
      if (!loading_) emit edited(device_at + ".device", quoted(device->text()));
    });
    number_field(form, tr("%1: flash capacity").arg(name), device_at + ".capacity_gib",
                 flash[0].value("capacity_gib", 0.0), 0.001, 1e6, 1, tr(" GiB"));
    auto* ram_gib = new QDoubleSpinBox;
    ram_gib->setRange(0, 1e5);
    ram_gib->setDecimals(1);
    ram_gib->setSuffix(tr(" GiB"));
    ram_gib->setSpecialValueText(tr("none"));
    ram_gib->setValue(ram != flash.end() ? ram->value("capacity_gib", 0.0) : 0.0);
    ram_gib->setToolTip(
        tr("a RAM cache (the ram preset) beside the flash; VMs pick one with "
           "policy.medium"));
    add_field(form, tr("%1: RAM tier").arg(name), at + ".flash", ram_gib);
    // The device list as the design has it now, with the RAM entry added, resized or removed.
    connect(ram_gib, &QDoubleSpinBox::valueChanged, this, [this, i, at, is_ram](double v) {
      if (loading_) return;
      const nlohmann::json now =
          array_at(array_at(member(scenario_, "cluster"), "hosts")[i], "flash");
      nlohmann::json devices = nlohmann::json::array();
      for (const nlohmann::json& d : now)
        if (!is_ram(d)) devices.push_back(d);
      if (v > 0) devices.push_back({{"device", "ram"}, {"capacity_gib", v}});
      emit edited(at + ".flash", devices.dump());
    });
  }
  layout()->addWidget(hosts);
}

void DesignForm::add_datastores(const nlohmann::json& scenario) {
  auto* stores = new QGroupBox(tr("Datastore policies"));
  auto* form = new QFormLayout(stores);
  const nlohmann::json datastores = array_at(scenario, "datastores");
  for (std::size_t i = 0; i < datastores.size(); ++i) {
    const nlohmann::json& store = datastores[i];
    const QString name =
        QString::fromStdString(store.value("name", "datastore " + std::to_string(i)));
    const nlohmann::json policy = member(store, "policy");
    const std::string at = "datastores[" + std::to_string(i) + "].policy";
    choice_field(form, tr("%1: mode").arg(name), at + ".mode", policy_modes(),
                 QString::fromStdString(policy.value("mode", "write-through")));
    auto* replicas = integer_field(form, tr("%1: replicas").arg(name), at + ".replicas",
                                   policy.value("replicas", 0), 0, 2);
    replicas->setToolTip(tr("peer copies of each write-back write (0, 1 or 2)"));
  }
  layout()->addWidget(stores);
}

bool DesignForm::mark_invalid(const QString& json_path, const QString& message) {
  for (auto& [path, w] : fields_) {
    w->setProperty("invalid", false);
    w->setStyleSheet(QString());
    w->setToolTip(QString::fromStdString("scenario path: " + path));
  }
  if (message_ != nullptr) {
    message_->setText(message);
    message_->setStyleSheet(
        json_path.isEmpty() && message.isEmpty() ? QString() : QStringLiteral("color: #b00020;"));
  }
  if (json_path.isEmpty()) return false;
  const std::string wanted = json_path.startsWith(QLatin1String("$."))
                                 ? json_path.mid(2).toStdString()
                                 : json_path.toStdString();
  QWidget* best = nullptr;
  std::size_t best_length = 0;
  for (auto& [path, w] : fields_) {
    const bool inside = wanted.rfind(path, 0) == 0 || path.rfind(wanted, 0) == 0;
    if (inside && path.size() > best_length) {
      best = w;
      best_length = path.size();
    }
  }
  if (best == nullptr) return false;
  // Only the field itself: a table's header or a row's parts keep their own look.
  best->setProperty("invalid", true);
  best->setStyleSheet(QStringLiteral("*[invalid=\"true\"] { border: 2px solid #b00020; }"));
  best->setToolTip(message);
  return true;
}

QWidget* DesignForm::field(const std::string& path) const {
  const auto it = fields_.find(path);
  return it == fields_.end() ? nullptr : it->second;
}

}  // namespace flashtwin::gui
