// MainWindow: the workbench. Left, the design: a form (DesignForm) and the scenario as JSON
// (read-only) and as a cluster picture; right, the run: progress (simulated time, rate, ETA), Run
// and Cancel, and the results as the cluster played back over time, charts and a table of key
// figures. Each edit is validated at once by `flashtwin validate` and a bad value is flagged in its
// field with that program's message. A run happens in a worker process (RunProcess); its results go
// to a folder of this session (kept until the window closes, or chosen with "Open results..." from
// any run's folder). "Pin as A" keeps the results shown as run A: every later run (B) is then
// compared with it — a table of the key figures with differences and the better design, and A's
// lines overlaid on the charts. The current chart or table exports as PNG, SVG or CSV, and the
// comparison as a one-page HTML report.
#pragma once

#include "design_document.hpp"
#include "run_process.hpp"

#include "flashtwin/sim/results_folder.hpp"

#include <QMainWindow>
#include <QTemporaryDir>

#include <optional>
#include <vector>

QT_BEGIN_NAMESPACE
class QAction;
class QChartView;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QScrollArea;
class QTabWidget;
QT_END_NAMESPACE

namespace flashtwin::gui {

class ClusterCanvas;
class DesignForm;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Opens a scenario file; false (with a message in the status line) when it cannot be read.
  bool open_scenario(const QString& path);
  // Applies one edit (scenario path, JSON value), shows it in the form and validates the design.
  void edit(const std::string& path, const std::string& json_value);
  bool start_run();
  void cancel_run();
  // Shows the results in `folder`, named `label` (default: the folder's name); false (with the
  // reason in the status line) if unreadable.
  bool show_results(const QString& folder, const QString& label = QString());
  // Keeps the results shown as run A (false if none is shown); unpin() forgets it.
  bool pin_results();
  void unpin();
  // Writes the current tab: a chart as .png or .svg, a table as .csv.
  bool export_current(const QString& path, QString& error);
  // The comparison (or, with nothing pinned, the key figures) and every chart, as one HTML page.
  bool export_report(const QString& path, QString& error);

  const DesignDocument& design() const { return design_; }
  DesignForm* form() const { return form_; }
  const Validation& validation() const { return validation_; }
  const std::optional<sim::ResultsFolder>& results() const { return results_; }
  const std::optional<sim::ResultsFolder>& pinned() const { return pinned_; }
  // The design as a label: its file (or "default scenario") and its edits.
  QString design_label() const;
  std::vector<QChartView*> chart_views() const;
  QTabWidget* result_tabs() const { return results_tabs_; }
  QTabWidget* design_tabs() const { return design_tabs_; }
  // Scrolls the design form so that `part` (one of its widgets) shows.
  void show_design_part(QWidget* part);
  QString status() const;
  bool running() const { return run_.running(); }

 signals:
  void run_ended(flashtwin::gui::RunProcess::Outcome outcome);

 private:
  void build_actions();
  // An edit typed in the form (which shows it already); false if its path is not in the scenario.
  bool apply_edit(const std::string& path, const std::string& json_value);
  void rebuild_result_tabs();
  void design_changed();
  void on_progress(double simulated_s, double duration_s, double wall_s);
  void on_ended(RunProcess::Outcome outcome, int exit_code);

  DesignDocument design_;
  Validation validation_;
  std::optional<sim::ResultsFolder> results_;
  QString results_label_;
  std::optional<sim::ResultsFolder> pinned_;
  QString pinned_label_;
  QString run_label_;  // the design of the run under way
  RunProcess run_;
  QTemporaryDir runs_;
  int run_number_ = 0;

  DesignForm* form_ = nullptr;
  QPlainTextEdit* json_view_ = nullptr;
  ClusterCanvas* design_cluster_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  QTabWidget* results_tabs_ = nullptr;
  QTabWidget* design_tabs_ = nullptr;
  QScrollArea* design_scroll_ = nullptr;
  QAction* run_action_ = nullptr;
  QAction* cancel_action_ = nullptr;
  QAction* pin_action_ = nullptr;
  QAction* unpin_action_ = nullptr;
};

}  // namespace flashtwin::gui
