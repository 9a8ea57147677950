#include "main_window.hpp"

#include "cluster_view.hpp"
#include "compare_table.hpp"
#include "design_form.hpp"
#include "export.hpp"
#include "host_table.hpp"
#include "result_charts.hpp"

#include "flashtwin/sim/json_reader.hpp"

#include <QAction>
#include <QChartView>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include <cmath>
#include <memory>

namespace flashtwin::gui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("flashtwin — flash tier workbench"));
  auto* splitter = new QSplitter;

  auto* design_tabs = design_tabs_ = new QTabWidget;
  form_ = new DesignForm;
  auto* scroll = design_scroll_ = new QScrollArea;
  scroll->setWidget(form_);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  design_tabs->addTab(scroll, tr("Design"));
  design_cluster_ = new ClusterCanvas;
  design_cluster_->setToolTip(tr("The design: hosts by rack, their caches, the VMs on them"));
  design_tabs->addTab(design_cluster_, tr("Cluster"));
  json_view_ = new QPlainTextEdit;
  json_view_->setReadOnly(true);
  json_view_->setFont(QFont(QStringLiteral("monospace")));
  design_tabs->addTab(json_view_, tr("Scenario JSON"));
  splitter->addWidget(design_tabs);

  auto* right = new QWidget;
  auto* column = new QVBoxLayout(right);
  auto* bar = new QHBoxLayout;
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  progress_->setFormat(tr("not run yet"));
  progress_->setTextVisible(true);
  bar->addWidget(progress_, 1);
  column->addLayout(bar);
  status_ = new QLabel(tr("Edit the design on the left, then Run (Ctrl+R)."));
  status_->setWordWrap(true);
  column->addWidget(status_);
  results_tabs_ = new QTabWidget;
  auto* placeholder =
      new QLabel(tr("Run the design (Ctrl+R) to see its latency, where reads "
                    "were served, the array's load and the dirty data here; or "
                    "open the results folder of an earlier run."));
  placeholder->setAlignment(Qt::AlignCenter);
  placeholder->setWordWrap(true);
  results_tabs_->addTab(placeholder, tr("Results"));
  column->addWidget(results_tabs_, 1);
  splitter->addWidget(right);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 5);
  splitter->setSizes({420, 860});
  setCentralWidget(splitter);

  build_actions();
  connect(form_, &DesignForm::edited, this,
          [this](const std::string& path, const std::string& value) { apply_edit(path, value); });
  connect(&run_, &RunProcess::progress, this, &MainWindow::on_progress);
  connect(&run_, &RunProcess::ended, this, &MainWindow::on_ended);
  form_->load(design_.json());
  design_changed();
  resize(1280, 800);
}

void MainWindow::build_actions() {
  QToolBar* tools = addToolBar(tr("Design and run"));
  tools->setMovable(false);
  QAction* open = tools->addAction(tr("Open…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a scenario"), QString(),
                                                      tr("Scenarios (*.json)"));
    if (!path.isEmpty()) open_scenario(path);
  });
  open->setShortcut(QKeySequence::Open);
  QAction* save = tools->addAction(tr("Save as…"), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the scenario"), QString(),
                                                      tr("Scenarios (*.json)"));
    if (path.isEmpty()) return;
    try {
      design_.save_as(path);
      status_->setText(tr("Saved %1").arg(path));
    } catch (const std::exception& e) {
      status_->setText(tr("Not saved: %1").arg(QString::fromStdString(e.what())));
    }
  });
  save->setShortcut(QKeySequence::SaveAs);
  tools->addSeparator();
  run_action_ = tools->addAction(tr("Run"), this, [this] { start_run(); });
  run_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  cancel_action_ = tools->addAction(tr("Cancel"), this, [this] { cancel_run(); });
  cancel_action_->setShortcut(QKeySequence(Qt::Key_Escape));
  cancel_action_->setEnabled(false);
  tools->addSeparator();
  tools->addAction(tr("Open results…"), this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a results folder"));
    if (!folder.isEmpty()) show_results(folder);
  });
  pin_action_ = tools->addAction(tr("Pin as A"), this, [this] { pin_results(); });
  pin_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
  pin_action_->setToolTip(tr("Keep these results as run A and compare the next runs with them"));
  pin_action_->setEnabled(false);
  unpin_action_ = tools->addAction(tr("Unpin A"), this, [this] { unpin(); });
  unpin_action_->setEnabled(false);
  tools->addSeparator();
  tools->addAction(tr("Export…"), this, [this] {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export the chart or table shown"), QString(),
                                     tr("PNG image (*.png);;SVG image (*.svg);;CSV table (*.csv)"));
    QString error;
    if (!path.isEmpty() && !export_current(path, error)) status_->setText(error);
  });
  tools->addAction(tr("Report…"), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save an HTML report"), QString(),
                                                      tr("HTML page (*.html)"));
    QString error;
    if (!path.isEmpty() && !export_report(path, error)) status_->setText(error);
  });
}

QString MainWindow::design_label() const {
  QString label =
      design_.path().isEmpty() ? tr("default scenario") : QFileInfo(design_.path()).fileName();
  if (!design_.overrides().isEmpty())
    label += QStringLiteral(" ") + design_.overrides().join(QLatin1Char(' '));
  return label;
}

bool MainWindow::pin_results() {
  if (!results_) return false;
  pinned_ = results_;
  pinned_label_ = results_label_;
  unpin_action_->setEnabled(true);
  status_->setText(tr("Pinned as A: %1. Change the design and run it: B is compared with A.")
                       .arg(pinned_label_));
  rebuild_result_tabs();
  return true;
}

void MainWindow::unpin() {
  pinned_.reset();
  unpin_action_->setEnabled(false);
  rebuild_result_tabs();
}

bool MainWindow::export_current(const QString& path, QString& error) {
  QWidget* page = results_tabs_->currentWidget();
  if (path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)) {
    auto* table = qobject_cast<QTableWidget*>(page);
    if (table == nullptr && page != nullptr) table = page->findChild<QTableWidget*>();
    if (table == nullptr) {
      error = tr("the tab shown has no table");
      return false;
    }
    return save_table_csv(table, path, error);
  }
  if (auto* cluster = qobject_cast<ClusterPage*>(page))
    return save_picture(cluster->canvas(), tr("The cluster"), path, error);
  auto* view = page == nullptr ? nullptr : page->findChild<QChartView*>();
  if (view == nullptr) {
    error = tr("the tab shown has no chart: export a table as .csv");
    return false;
  }
  return save_chart(view, path, error);
}

bool MainWindow::export_report(const QString& path, QString& error) {
  if (!results_) {
    error = tr("no results to report");
    return false;
  }
  std::unique_ptr<QTableWidget> table(
      pinned_ ? make_compare_table(*pinned_, pinned_label_, *results_, results_label_)
              : make_key_figures_table(*results_));
  const QString title =
      pinned_ ? tr("flashtwin: A (%1) against B (%2)").arg(pinned_label_, results_label_)
              : tr("flashtwin: %1").arg(results_label_);
  return save_html_report(path, title, table.get(), chart_views(), error);
}

bool MainWindow::open_scenario(const QString& path) {
  try {
    design_ = DesignDocument::open(path);
  } catch (const std::exception& e) {
    status_->setText(tr("Not opened: %1").arg(QString::fromStdString(e.what())));
    return false;
  }
  form_->load(design_.json());
  design_changed();
  status_->setText(tr("Opened %1").arg(path));
  return true;
}

void MainWindow::edit(const std::string& path, const std::string& json_value) {
  if (apply_edit(path, json_value)) form_->load(design_.json());
}

bool MainWindow::apply_edit(const std::string& path, const std::string& json_value) {
  try {
    design_.set(path, json_value);
  } catch (const sim::ScenarioError& e) {
    form_->mark_invalid(QString::fromStdString(e.path()), QString::fromStdString(e.what()));
    return false;
  }
  design_changed();
  return true;
}

void MainWindow::design_changed() {
  json_view_->setPlainText(QString::fromStdString(design_.json().dump(2)));
  form_->follow(design_.json());
  design_cluster_->show_state(ClusterPlayback(design_.json()).state_at(0));
  validation_ = validate(design_);
  form_->mark_invalid(validation_.json_path, validation_.ok ? QString() : validation_.message);
  run_action_->setEnabled(validation_.ok && !run_.running());
  const nlohmann::json& scenario = design_.json();
  const QString name = scenario.contains("name") && scenario["name"].is_string()
                           ? QString::fromStdString(scenario["name"].get<std::string>())
                           : QString();
  setWindowTitle(tr("flashtwin — %1%2")
                     .arg(design_.path().isEmpty() ? tr("default scenario") : design_.path(),
                          design_.overrides().isEmpty() ? QString() : tr(" (edited)")));
  if (!validation_.ok)
    status_->setText(tr("The design is not valid: %1").arg(validation_.message));
  else if (!run_.running())
    status_->setText(tr("Ready: %1").arg(name));
}

bool MainWindow::start_run() {
  if (run_.running() || !validation_.ok || !runs_.isValid()) return false;
  const QString folder = runs_.filePath(QStringLiteral("run-%1").arg(++run_number_));
  run_.start(design_, folder);
  run_action_->setEnabled(false);
  cancel_action_->setEnabled(true);
  run_label_ = design_label();
  progress_->setValue(0);
  progress_->setFormat(tr("starting…"));
  status_->setText(tr("Running in %1").arg(folder));
  return true;
}

void MainWindow::cancel_run() {
  if (!run_.running()) return;
  status_->setText(tr("Cancelling: the run stops and keeps what it computed…"));
  run_.cancel();
}

void MainWindow::on_progress(double simulated_s, double duration_s, double wall_s) {
  const double share = duration_s > 0 ? std::min(1.0, simulated_s / duration_s) : 0;
  progress_->setValue(static_cast<int>(share * 1000));
  const double rate = wall_s > 0 ? simulated_s / wall_s : 0;
  const double eta = rate > 0 ? (duration_s - simulated_s) / rate : 0;
  progress_->setFormat(tr("%1 / %2 s simulated — %3 s per wall second — about %4 s left")
                           .arg(simulated_s, 0, 'f', 1)
                           .arg(duration_s, 0, 'g', 6)
                           .arg(rate, 0, 'f', 2)
                           .arg(eta, 0, 'f', 0));
}

void MainWindow::on_ended(RunProcess::Outcome outcome, int exit_code) {
  run_action_->setEnabled(validation_.ok);
  cancel_action_->setEnabled(false);
  QString what;
  switch (outcome) {
    case RunProcess::Outcome::finished:
      what = tr("Finished.");
      break;
    case RunProcess::Outcome::failed_checks:
      what = tr("Finished, but a check failed (consistency, lost writes or an expectation).");
      break;
    case RunProcess::Outcome::bad_input:
      what = tr("The worker refused the design.");
      break;
    case RunProcess::Outcome::cancelled:
      what = tr("Cancelled: partial results.");
      break;
    case RunProcess::Outcome::crashed:
      what = tr("The worker stopped abnormally.");
      break;
  }
  progress_->setFormat(what);
  if (outcome == RunProcess::Outcome::finished || outcome == RunProcess::Outcome::failed_checks ||
      outcome == RunProcess::Outcome::cancelled) {
    if (show_results(run_.folder(), run_label_))
      status_->setText(what + tr(" Results in %1").arg(run_.folder()));
  } else {
    status_->setText(what + tr(" (exit %1) %2").arg(exit_code).arg(run_.output().right(600)));
  }
  emit run_ended(outcome);
}

bool MainWindow::show_results(const QString& folder, const QString& label) {
  sim::ResultsFolder loaded;
  try {
    loaded = sim::load_results(folder.toStdString());
  } catch (const std::exception& e) {
    status_->setText(tr("Results not shown: %1").arg(QString::fromStdString(e.what())));
    return false;
  }
  results_ = std::move(loaded);
  results_label_ = label.isEmpty() ? QFileInfo(folder).fileName() : label;
  if (results_->interrupted) results_label_ += tr(" (cancelled: partial)");
  pin_action_->setEnabled(true);
  rebuild_result_tabs();
  return true;
}

void MainWindow::rebuild_result_tabs() {
  while (results_tabs_->count() > 0) {
    QWidget* page = results_tabs_->widget(0);
    results_tabs_->removeTab(0);
    delete page;
  }
  if (!results_) return;
  const sim::ResultsFolder* a = pinned_ ? &*pinned_ : nullptr;
  if (a != nullptr)
    results_tabs_->addTab(make_compare_page(*a, pinned_label_, *results_, results_label_),
                          tr("A/B"));
  results_tabs_->addTab(new ClusterPage(std::make_unique<ClusterPlayback>(*results_)),
                        tr("Cluster"));
  for (const NamedChart& chart : make_result_charts(*results_, a)) {
    const int tab = results_tabs_->addTab(chart.page, chart.name);
    results_tabs_->setTabToolTip(tab, chart.view->chart()->title());
  }
  results_tabs_->addTab(make_host_table(*results_), tr("Hosts"));
  results_tabs_->addTab(make_key_figures_table(*results_), tr("Figures"));
}

std::vector<QChartView*> MainWindow::chart_views() const {
  std::vector<QChartView*> views;
  for (int i = 0; i < results_tabs_->count(); ++i)
    if (auto* view = results_tabs_->widget(i)->findChild<QChartView*>()) views.push_back(view);
  return views;
}

void MainWindow::show_design_part(QWidget* part) {
  design_tabs_->setCurrentIndex(0);
  if (part == nullptr) return;
  form_->layout()->activate();  // positions as they will be drawn
  design_scroll_->verticalScrollBar()->setValue(part->mapTo(form_, QPoint(0, 0)).y() - 8);
}

QString MainWindow::status() const {
  return status_->text();
}

}  // namespace flashtwin::gui
