#include "design_form.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace flashtwin::gui {
namespace {

const QStringList kModes = {QStringLiteral("pass-through"), QStringLiteral("write-through"),
                            QStringLiteral("write-around"), QStringLiteral("write-back")};

std::string quoted(const QString& text) {
  return nlohmann::json(text.toStdString()).dump();
}

}  // namespace

DesignForm::DesignForm(QWidget* parent) : QWidget(parent) {
  new QVBoxLayout(this);
}

void DesignForm::add_field(QFormLayout* form, const QString& label, const std::string& path,
                           QWidget* w) {
  w->setObjectName(QString::fromStdString(path));
  w->setToolTip(QString::fromStdString("scenario path: " + path));
  form->addRow(label, w);
  fields_[path] = w;
}

void DesignForm::load(const nlohmann::json& scenario) {
  loading_ = true;
  fields_.clear();
  QLayout* root = layout();
  while (QLayoutItem* item = root->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  auto* run = new QGroupBox(tr("Run"));
  auto* run_form = new QFormLayout(run);
  auto* duration = new QDoubleSpinBox;
  duration->setRange(0.001, 1e7);
  duration->setDecimals(3);
  duration->setSuffix(tr(" s"));
  duration->setValue(scenario.value("duration_s", 60.0));
  add_field(run_form, tr("Duration (simulated)"), "duration_s", duration);
  connect(duration, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    if (!loading_) emit edited("duration_s", nlohmann::json(v).dump());
  });
  auto* seed = new QSpinBox;
  seed->setRange(0, 2147483647);
  seed->setValue(scenario.value("seed", 1));
  add_field(run_form, tr("Seed"), "seed", seed);
  connect(seed, &QSpinBox::valueChanged, this, [this](int v) {
    if (!loading_) emit edited("seed", std::to_string(v));
  });
  root->addWidget(run);

  auto* hosts = new QGroupBox(tr("Hosts and their cache devices"));
  auto* hosts_form = new QFormLayout(hosts);
  const nlohmann::json empty = nlohmann::json::array();
  const nlohmann::json& host_list =
      scenario.contains("cluster") ? scenario["cluster"].value("hosts", empty) : empty;
  for (std::size_t i = 0; i < host_list.size(); ++i) {
    const nlohmann::json& host = host_list[i];
    const QString name = QString::fromStdString(host.value("name", "host " + std::to_string(i)));
    const nlohmann::json flash = host.value("flash", empty);
    if (flash.empty()) {
      hosts_form->addRow(
          name,
          new QLabel(host.contains("remote_flash")
                         ? tr("no flash; caches on %1")
                               .arg(QString::fromStdString(host["remote_flash"].get<std::string>()))
                         : tr("no flash (pass-through)")));
      continue;
    }
    for (std::size_t d = 0; d < flash.size(); ++d) {
      const std::string at =
          "cluster.hosts[" + std::to_string(i) + "].flash[" + std::to_string(d) + "]";
      auto* device = new QLineEdit(QString::fromStdString(flash[d].value("device", "")));
      add_field(hosts_form, tr("%1: device").arg(name), at + ".device", device);
      connect(device, &QLineEdit::editingFinished, this, [this, device, at] {
        if (!loading_) emit edited(at + ".device", quoted(device->text()));
      });
      auto* capacity = new QDoubleSpinBox;
      capacity->setRange(0.001, 1e6);
      capacity->setDecimals(1);
      capacity->setSuffix(tr(" GiB"));
      capacity->setValue(flash[d].value("capacity_gib", 0.0));
      add_field(hosts_form, tr("%1: capacity").arg(name), at + ".capacity_gib", capacity);
      connect(capacity, &QDoubleSpinBox::valueChanged, this, [this, at](double v) {
        if (!loading_) emit edited(at + ".capacity_gib", nlohmann::json(v).dump());
      });
    }
  }
  root->addWidget(hosts);

  auto* stores = new QGroupBox(tr("Datastore policies"));
  auto* stores_form = new QFormLayout(stores);
  const nlohmann::json& datastores = scenario.value("datastores", empty);
  for (std::size_t i = 0; i < datastores.size(); ++i) {
    const nlohmann::json& store = datastores[i];
    const QString name =
        QString::fromStdString(store.value("name", "datastore " + std::to_string(i)));
    const nlohmann::json policy = store.value("policy", nlohmann::json::object());
    const std::string at = "datastores[" + std::to_string(i) + "].policy";
    auto* mode = new QComboBox;
    mode->addItems(kModes);
    mode->setCurrentText(QString::fromStdString(policy.value("mode", "write-through")));
    add_field(stores_form, tr("%1: mode").arg(name), at + ".mode", mode);
    connect(mode, &QComboBox::currentTextChanged, this, [this, at](const QString& text) {
      if (!loading_) emit edited(at + ".mode", quoted(text));
    });
    auto* replicas = new QSpinBox;
    replicas->setRange(0, 2);
    replicas->setValue(policy.value("replicas", 0));
    replicas->setToolTip(tr("peer copies of each write-back write (0, 1 or 2)"));
    add_field(stores_form, tr("%1: replicas").arg(name), at + ".replicas", replicas);
    connect(replicas, &QSpinBox::valueChanged, this, [this, at](int v) {
      if (!loading_) emit edited(at + ".replicas", std::to_string(v));
    });
  }
  root->addWidget(stores);

  message_ = new QLabel;
  message_->setWordWrap(true);
  message_->setObjectName(QStringLiteral("validation"));
  root->addWidget(message_);
  static_cast<QVBoxLayout*>(root)->addStretch(1);
  loading_ = false;
}

bool DesignForm::mark_invalid(const QString& json_path, const QString& message) {
  for (auto& [path, w] : fields_) {
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
  best->setStyleSheet(QStringLiteral("border: 2px solid #b00020;"));
  best->setToolTip(message);
  return true;
}

QWidget* DesignForm::field(const std::string& path) const {
  const auto it = fields_.find(path);
  return it == fields_.end() ? nullptr : it->second;
}

}  // namespace flashtwin::gui
