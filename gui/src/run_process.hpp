// RunProcess: a run of the design in a worker process — the `flashtwin` program itself
// (`flashtwin run FILE --set ... -o FOLDER --progress-lines`), never a thread or a fork of the
// GUI: one SimGrid engine per process, and a crash in a run cannot take the window down. The
// worker's progress lines become progress(); cancel() sends SIGTERM, and the worker stops
// cleanly, keeping what it computed (exit 143, summary.json marked interrupted).
//
// flashtwin_program() finds the worker: $FLASHTWIN_PROGRAM, else `flashtwin` beside this program
// or in the build tree's sim/, else on PATH. validate() and trace_info() run `flashtwin validate`
// and `flashtwin trace info` the same way.
#pragma once

#include "design_document.hpp"

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QString>

namespace flashtwin::gui {

QString flashtwin_program();

struct Validation {
  bool ok = false;
  QString message;    // flashtwin validate's own words (the JSON path first, when it names one)
  QString json_path;  // "$.cluster.hosts[0]..." when the message names one, else empty
};
// Waits for the worker (a scenario is checked in milliseconds).
Validation validate(const DesignDocument& design);
// `flashtwin trace info FILE`: what a trace holds (format, devices, requests, span, sizes), or the
// reader's error (file, byte offset, reason); ok says which. Waits for the worker (up to 60 s: a
// large trace is read through).
struct TraceInfo {
  bool ok = false;
  QString text;
};
TraceInfo trace_info(const QString& file);

class RunProcess : public QObject {
  Q_OBJECT

 public:
  enum class Outcome { finished, failed_checks, bad_input, cancelled, crashed };

  explicit RunProcess(QObject* parent = nullptr);
  ~RunProcess() override;
  // Starts a run of `design` writing its results into `folder`; false if one is running.
  bool start(const DesignDocument& design, const QString& folder);
  void cancel();
  bool running() const;
  const QString& folder() const { return folder_; }
  const QString& output() const { return output_; }  // the worker's stdout and stderr

 signals:
  // Simulated seconds reached, of `duration_s`; wall seconds since the start.
  void progress(double simulated_s, double duration_s, double wall_s);
  void ended(flashtwin::gui::RunProcess::Outcome outcome, int exit_code);

 private:
  void read_stderr();
  void on_finished(int exit_code, QProcess::ExitStatus status);

  QProcess process_;
  QElapsedTimer clock_;
  QString folder_;
  QString output_;
  QByteArray partial_line_;
  bool cancelled_ = false;
};

}  // namespace flashtwin::gui
