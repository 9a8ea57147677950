// DesignForm's VM fields: each VM's host and policy, and each disk's workload (a synthetic
// pattern with its rate and read share, or a trace file described by `flashtwin trace info`).
#include "design_form.hpp"
#include "json_fields.hpp"
#include "run_process.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace flashtwin::gui {
namespace {

const QStringList kPatterns = {QStringLiteral("uniform"), QStringLiteral("zipf"),
                               QStringLiteral("hot-set"), QStringLiteral("sequential")};

}  // namespace

// Read in place, not copied: follow() asks for every VM after each edit.
const nlohmann::json* DesignForm::vm_now(std::size_t vm) const {
  if (!scenario_.is_object() || !scenario_.contains("vms")) return nullptr;
  const nlohmann::json& vms = scenario_["vms"];
  return vms.is_array() && vm < vms.size() && vms[vm].is_object() ? &vms[vm] : nullptr;
}

nlohmann::json DesignForm::running_policy(std::size_t vm) const {
  const nlohmann::json* now = vm_now(vm);
  if (now == nullptr) return nlohmann::json::object();
  if (now->contains("policy")) return member(*now, "policy");
  if (scenario_.contains("datastores") && scenario_["datastores"].is_array()) {
    for (const nlohmann::json& store : scenario_["datastores"])
      if (store.is_object() && store.value("name", "") == now->value("datastore", ""))
        return member(store, "policy");
  }
  return nlohmann::json::object();
}

nlohmann::json DesignForm::workload_now(std::size_t vm, std::size_t disk) const {
  const nlohmann::json* now = vm_now(vm);
  if (now == nullptr || !now->contains("disks") || !(*now)["disks"].is_array() ||
      disk >= (*now)["disks"].size())
    return nlohmann::json::object();
  return member((*now)["disks"][disk], "workload");
}

void DesignForm::add_vms(const nlohmann::json& scenario) {
  auto* group = new QGroupBox(tr("VMs: host, policy, workload"));
  auto* form = new QFormLayout(group);
  QStringList hosts;
  for (const nlohmann::json& host : array_at(member(scenario, "cluster"), "hosts"))
    hosts << QString::fromStdString(host.value("name", ""));
  const nlohmann::json vms = array_at(scenario, "vms");
  for (std::size_t i = 0; i < vms.size(); ++i) {
    const nlohmann::json& vm = vms[i];
    const std::string at = "vms[" + std::to_string(i) + "]";
    const QString name = QString::fromStdString(vm.value("name", "vm " + std::to_string(i)));
    choice_field(form, tr("%1: host").arg(name), at + ".host", hosts,
                 QString::fromStdString(vm.value("host", "")));
    // The policy the VM runs: its own, else its datastore's. An edit gives the VM its own,
    // starting from the one it runs when the edit is made.
    const bool own = vm.contains("policy");
    const nlohmann::json policy = running_policy(i);
    auto* mode = new QComboBox;
    mode->addItems(policy_modes());
    mode->setCurrentText(QString::fromStdString(policy.value("mode", "write-through")));
    auto* replicas = new QSpinBox;
    replicas->setRange(0, 2);
    replicas->setPrefix(tr("replicas "));
    replicas->setValue(policy.value("replicas", 0));
    auto* row = new QWidget;
    auto* line = new QHBoxLayout(row);
    line->setContentsMargins(0, 0, 0, 0);
    line->addWidget(mode, 1);
    line->addWidget(replicas);
    add_field(form, tr("%1: policy").arg(name), at + ".policy", row);
    fields_[at + ".policy.mode"] = mode;
    fields_[at + ".policy.replicas"] = replicas;
    const QString origin = own ? tr("the VM's own policy")
                               : tr("from datastore %1 until changed here")
                                     .arg(QString::fromStdString(vm.value("datastore", "")));
    mode->setToolTip(origin);
    replicas->setToolTip(origin);
    auto send = [this, i, at](const char* key, const nlohmann::json& value) {
      if (loading_) return;
      nlohmann::json changed = running_policy(i);
      changed[key] = value;
      emit edited(at + ".policy", changed.dump());
    };
    connect(mode, &QComboBox::currentTextChanged, this,
            [send](const QString& text) { send("mode", text.toStdString()); });
    connect(replicas, &QSpinBox::valueChanged, this, [send](int v) { send("replicas", v); });
    const nlohmann::json disks = array_at(vm, "disks");
    for (std::size_t d = 0; d < disks.size(); ++d)
      add_workload(form, name, i, d, member(disks[d], "workload"));
  }
  layout()->addWidget(group);
}

void DesignForm::add_workload(QFormLayout* form, const QString& vm_name, std::size_t vm,
                              std::size_t disk, const nlohmann::json& workload) {
  const std::string at =
      "vms[" + std::to_string(vm) + "].disks[" + std::to_string(disk) + "].workload";
  const QString label = disk == 0 ? tr("%1: workload").arg(vm_name)
                                  : tr("%1: disk %2 workload").arg(vm_name).arg(disk + 1);
  const bool trace = workload.contains("trace");
  auto* row = new QWidget;
  auto* line = new QHBoxLayout(row);
  line->setContentsMargins(0, 0, 0, 0);
  auto* pattern = new QComboBox;
  pattern->addItems(kPatterns);
  if (trace) pattern->addItem(tr("trace"));
  pattern->setCurrentText(trace ? tr("trace")
                                : QString::fromStdString(workload.value("pattern", "uniform")));
  pattern->setToolTip(tr("synthetic access pattern (docs/SCENARIOS.md)"));
  line->addWidget(pattern, 1);
  auto* choose = new QPushButton(tr("Trace…"));
  choose->setToolTip(tr("replay a trace file (blktrace, blkparse, vscsi, csv, msr, fio)"));
  line->addWidget(choose);
  add_field(form, label, at, row);
  auto* rates = new QWidget;
  auto* rates_line = new QHBoxLayout(rates);
  rates_line->setContentsMargins(0, 0, 0, 0);
  auto* iops = new QDoubleSpinBox;
  iops->setRange(0.001, 1e7);
  iops->setDecimals(0);
  iops->setSuffix(tr(" IOPS"));
  iops->setValue(workload.value("iops", 1000.0));
  iops->setEnabled(!trace);
  rates_line->addWidget(iops, 1);
  auto* reads = new QDoubleSpinBox;
  reads->setRange(0, 100);
  reads->setDecimals(0);
  reads->setSuffix(tr(" % reads"));
  reads->setValue(workload.value("read_ratio", 0.7) * 100);
  reads->setEnabled(!trace);
  rates_line->addWidget(reads, 1);
  form->addRow(QString(), rates);
  fields_[at + ".pattern"] = pattern;
  fields_[at + ".iops"] = iops;
  fields_[at + ".read_ratio"] = reads;
  auto* note =
      new QLabel(trace ? tr("replays %1")
                             .arg(QString::fromStdString(workload["trace"].is_string()
                                                             ? workload["trace"].get<std::string>()
                                                             : workload["trace"].dump()))
                       : QString());
  note->setWordWrap(true);
  note->setTextInteractionFlags(Qt::TextSelectableByMouse);
  note->setVisible(trace);
  form->addRow(QString(), note);
  trace_notes_[at] = note;

  connect(pattern, &QComboBox::currentTextChanged, this,
          [this, vm, disk, at, iops, reads](const QString& p) {
            if (loading_ || !kPatterns.contains(p)) return;
            iops->setEnabled(true);
            reads->setEnabled(true);
            const nlohmann::json now = workload_now(vm, disk);
            if (!now.contains("trace")) {
              emit edited(at + ".pattern", quoted(p));
              return;
            }
            // From a trace back to a synthetic stream: a new workload, keeping the guest's queue.
            trace_notes_[at]->hide();
            nlohmann::json synthetic = {{"pattern", p.toStdString()},
                                        {"iops", iops->value()},
                                        {"read_ratio", reads->value() / 100}};
            for (const char* kept : {"queue_depth", "max_outstanding"})
              if (now.contains(kept)) synthetic[kept] = now[kept];
            emit edited(at, synthetic.dump());
          });
  connect(iops, &QDoubleSpinBox::valueChanged, this, [this, at](double v) {
    if (!loading_) emit edited(at + ".iops", nlohmann::json(v).dump());
  });
  connect(reads, &QDoubleSpinBox::valueChanged, this, [this, at](double v) {
    if (!loading_) emit edited(at + ".read_ratio", nlohmann::json(v / 100).dump());
  });
  connect(choose, &QPushButton::clicked, this, [this, vm, disk] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Replay a trace"));
    if (!file.isEmpty()) choose_trace(vm, disk, file);
  });
}

QString DesignForm::choose_trace(std::size_t vm, std::size_t disk, const QString& file) {
  const std::string at =
      "vms[" + std::to_string(vm) + "].disks[" + std::to_string(disk) + "].workload";
  const TraceInfo info = trace_info(file);
  if (const auto note = trace_notes_.find(at); note != trace_notes_.end()) {
    note->second->setText(
        (info.ok ? tr("replays %1:\n%2") : tr("%1 cannot be replayed: %2")).arg(file, info.text));
    note->second->setStyleSheet(info.ok ? QString() : QStringLiteral("color: #b00020;"));
    note->second->setVisible(true);
  }
  if (!info.ok) return info.text;  // the workload and its fields stay as they were
  if (auto* pattern = qobject_cast<QComboBox*>(field(at + ".pattern"))) {
    loading_ = true;
    if (pattern->findText(tr("trace")) < 0) pattern->addItem(tr("trace"));
    pattern->setCurrentText(tr("trace"));
    loading_ = false;
  }
  for (const char* part : {".iops", ".read_ratio"})
    if (QWidget* w = field(at + part)) w->setEnabled(false);
  const nlohmann::json now = workload_now(vm, disk);
  nlohmann::json replay = {{"trace", file.toStdString()}};
  for (const char* kept : {"queue_depth", "max_outstanding"})
    if (now.contains(kept)) replay[kept] = now[kept];
  emit edited(at, replay.dump());
  return info.text;
}

}  // namespace flashtwin::gui
