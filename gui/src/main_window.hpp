// MainWindow: the workbench. Left, the design: a form (DesignForm) and the scenario as JSON
// (read-only); right, the run: progress (simulated time, rate, ETA), Run and Cancel, and the
// results as charts and a table of key figures. Each edit is validated at once by `flashtwin
// validate` and a bad value is flagged in its field with that program's message. A run happens
// in a worker process (RunProcess); its results go to a folder of this session (kept until the
// window closes, or chosen with "Open results..." from any run's folder).
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
class QTabWidget;
QT_END_NAMESPACE

namespace flashtwin::gui {

class DesignForm;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  // Opens a scenario file; false (with a message in the status line) when it cannot be read.
  bool open_scenario(const QString& path);
  // Applies one edit as the form does (scenario path, JSON value) and validates the design.
  void edit(const std::string& path, const std::string& json_value);
  bool start_run();
  void cancel_run();
  // Shows the results in `folder`; false (with the reason in the status line) if unreadable.
  bool show_results(const QString& folder);

  const DesignDocument& design() const { return design_; }
  DesignForm* form() const { return form_; }
  const Validation& validation() const { return validation_; }
  const std::optional<sim::ResultsFolder>& results() const { return results_; }
  std::vector<QChartView*> chart_views() const;
  QTabWidget* result_tabs() const { return results_tabs_; }
  QString status() const;
  bool running() const { return run_.running(); }

 signals:
  void run_ended(flashtwin::gui::RunProcess::Outcome outcome);

 private:
  void build_actions();
  void design_changed();
  void on_progress(double simulated_s, double duration_s, double wall_s);
  void on_ended(RunProcess::Outcome outcome, int exit_code);

  DesignDocument design_;
  Validation validation_;
  std::optional<sim::ResultsFolder> results_;
  RunProcess run_;
  QTemporaryDir runs_;
  int run_number_ = 0;

  DesignForm* form_ = nullptr;
  QPlainTextEdit* json_view_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  QTabWidget* results_tabs_ = nullptr;
  QAction* run_action_ = nullptr;
  QAction* cancel_action_ = nullptr;
};

}  // namespace flashtwin::gui
