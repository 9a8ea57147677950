#include "run_process.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

namespace flashtwin::gui {

QString flashtwin_program() {
  const QString set = qEnvironmentVariable("FLASHTWIN_PROGRAM");
  if (!set.isEmpty()) return set;
  const QDir here(QCoreApplication::applicationDirPath());
  for (const QString& candidate : {here.filePath("flashtwin"), here.filePath("../sim/flashtwin")})
    if (QFileInfo(candidate).isExecutable()) return QFileInfo(candidate).canonicalFilePath();
  const QString found = QStandardPaths::findExecutable("flashtwin");
  return found.isEmpty() ? QStringLiteral("flashtwin") : found;
}

namespace {

QStringList scenario_arguments(const DesignDocument& design) {
  QStringList arguments;
  if (!design.path().isEmpty()) arguments << design.path();
  for (const QString& assignment : design.overrides())
    arguments << QStringLiteral("--set") << assignment;
  return arguments;
}

// What a short `flashtwin` command said, waited for: its exit code, and its output (stdout when
// it succeeded, else its message on stderr without the "flashtwin: " prefix).
struct Answer {
  bool ran = false;
  int exit_code = -1;
  QString text;
};

Answer ask_worker(const QStringList& arguments, int timeout_ms) {
  QProcess worker;
  worker.start(flashtwin_program(), arguments);
  Answer answer;
  if (!worker.waitForFinished(timeout_ms) || worker.exitStatus() != QProcess::NormalExit) {
    worker.kill();
    answer.text = QStringLiteral("could not run %1 %2: %3")
                      .arg(flashtwin_program(), arguments.first(), worker.errorString());
    return answer;
  }
  answer.ran = true;
  answer.exit_code = worker.exitCode();
  answer.text = QString::fromUtf8(answer.exit_code == 0 ? worker.readAllStandardOutput()
                                                        : worker.readAllStandardError())
                    .trimmed();
  if (answer.text.startsWith(QLatin1String("flashtwin: "))) answer.text.remove(0, 11);
  return answer;
}

}  // namespace

Validation validate(const DesignDocument& design) {
  const Answer answer =
      ask_worker(QStringList{QStringLiteral("validate")} + scenario_arguments(design), 30000);
  Validation result;
  result.ok = answer.ran && answer.exit_code == 0;
  result.message = answer.text;
  // main() prints "flashtwin: $.path: message".
  static const QRegularExpression path(QStringLiteral("^(\\$[^:\\s]*):"));
  if (answer.ran && !result.ok) {
    if (const QRegularExpressionMatch match = path.match(answer.text); match.hasMatch())
      result.json_path = match.captured(1);
  }
  return result;
}

TraceInfo trace_info(const QString& file) {
  const Answer answer = ask_worker({QStringLiteral("trace"), QStringLiteral("info"), file}, 60000);
  return TraceInfo{answer.ran && answer.exit_code == 0, answer.text};
}

RunProcess::RunProcess(QObject* parent) : QObject(parent) {
  connect(&process_, &QProcess::readyReadStandardError, this, &RunProcess::read_stderr);
  connect(&process_, &QProcess::readyReadStandardOutput, this,
          [this] { output_ += QString::fromUtf8(process_.readAllStandardOutput()); });
  connect(&process_, &QProcess::finished, this, &RunProcess::on_finished);
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
    if (error == QProcess::FailedToStart) {
      output_ += QStringLiteral("could not start %1: %2\n")
                     .arg(flashtwin_program(), process_.errorString());
      emit ended(Outcome::crashed, -1);
    }
  });
}

RunProcess::~RunProcess() {
  if (running()) {
    process_.terminate();
    if (!process_.waitForFinished(5000)) process_.kill();
    process_.waitForFinished(1000);
  }
}

bool RunProcess::start(const DesignDocument& design, const QString& folder) {
  if (running()) return false;
  folder_ = folder;
  output_.clear();
  partial_line_.clear();
  cancelled_ = false;
  clock_.start();
  process_.start(flashtwin_program(),
                 QStringList{QStringLiteral("run")} + scenario_arguments(design) +
                     QStringList{QStringLiteral("-o"), folder, QStringLiteral("--progress-lines")});
  return true;
}

void RunProcess::cancel() {
  if (!running()) return;
  cancelled_ = true;
  process_.terminate();  // SIGTERM: the worker stops at its next poll and writes what it has
}

bool RunProcess::running() const {
  return process_.state() != QProcess::NotRunning;
}

void RunProcess::read_stderr() {
  partial_line_ += process_.readAllStandardError();
  qsizetype end = 0;
  while ((end = partial_line_.indexOf('\n')) >= 0) {
    const QString line = QString::fromUtf8(partial_line_.left(end));
    partial_line_.remove(0, end + 1);
    const QStringList words = line.split(QLatin1Char(' '));
    if (words.size() == 3 && words[0] == QLatin1String("flashtwin-progress")) {
      emit progress(words[1].toDouble(), words[2].toDouble(),
                    static_cast<double>(clock_.elapsed()) / 1000.0);
    } else {
      output_ += line + QLatin1Char('\n');
    }
  }
}

void RunProcess::on_finished(int exit_code, QProcess::ExitStatus status) {
  read_stderr();
  output_ += QString::fromUtf8(process_.readAllStandardOutput());
  Outcome outcome = Outcome::crashed;
  if (status == QProcess::NormalExit) {
    if (exit_code == 0) outcome = Outcome::finished;
    if (exit_code == 1) outcome = Outcome::failed_checks;
    if (exit_code == 2) outcome = Outcome::bad_input;
    if (exit_code == 130 || exit_code == 143) outcome = Outcome::cancelled;
  } else if (cancelled_) {
    outcome = Outcome::cancelled;
  }
  emit ended(outcome, exit_code);
}

}  // namespace flashtwin::gui
