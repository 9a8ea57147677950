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

}  // namespace

Validation validate(const DesignDocument& design) {
  QProcess worker;
  worker.start(flashtwin_program(),
               QStringList{QStringLiteral("validate")} + scenario_arguments(design));
  Validation result;
  if (!worker.waitForFinished(30000) || worker.exitStatus() != QProcess::NormalExit) {
    worker.kill();
    result.message = QStringLiteral("could not run %1 validate: %2")
                         .arg(flashtwin_program(), worker.errorString());
    return result;
  }
  result.ok = worker.exitCode() == 0;
  QString text = QString::fromUtf8(worker.readAllStandardError()).trimmed();
  if (text.startsWith(QLatin1String("flashtwin: "))) text.remove(0, 11);
  result.message = result.ok ? QString::fromUtf8(worker.readAllStandardOutput()).trimmed() : text;
  // main() prints "flashtwin: $.path: message".
  static const QRegularExpression path(QStringLiteral("^(\\$[^:\\s]*):"));
  if (!result.ok) {
    if (const QRegularExpressionMatch match = path.match(text); match.hasMatch())
      result.json_path = match.captured(1);
  }
  return result;
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
