#include "screenshots.hpp"

#include "cluster_view.hpp"
#include "design_form.hpp"
#include "event_timeline.hpp"
#include "main_window.hpp"

#include <QDir>
#include <QTabWidget>

#include <cstdio>

namespace flashtwin::gui {

Screenshots::Screenshots(MainWindow& window, QString folder, QStringList compare_edits,
                         double cluster_at_s)
    : window_(window),
      folder_(std::move(folder)),
      compare_edits_(std::move(compare_edits)),
      cluster_at_s_(cluster_at_s) {
  connect(&window_, &MainWindow::run_ended, this,
          [this](RunProcess::Outcome outcome) { run_ended(static_cast<int>(outcome)); });
}

void Screenshots::take(const QString& name) {
  const QString file = QDir(folder_).filePath(
      QStringLiteral("%1-%2.png").arg(++taken_, 2, 10, QLatin1Char('0')).arg(name));
  if (!window_.grab().save(file)) {
    std::fprintf(stderr, "flashtwin-gui: cannot write %s\n", file.toLocal8Bit().constData());
    ok_ = false;
  }
}

void Screenshots::start() {
  QDir().mkpath(folder_);
  take(QStringLiteral("design"));
  window_.show_design_part(window_.form()->events());
  take(QStringLiteral("design-events"));
  window_.design_tabs()->setCurrentIndex(1);
  take(QStringLiteral("design-cluster"));
  window_.show_design_part(window_.form());
  if (!window_.start_run()) {
    std::fprintf(stderr, "flashtwin-gui: the design cannot run: %s\n",
                 window_.validation().message.toLocal8Bit().constData());
    emit finished(false);
  }
}

void Screenshots::run_ended(int outcome) {
  if (static_cast<RunProcess::Outcome>(outcome) != RunProcess::Outcome::finished) {
    std::fprintf(stderr, "flashtwin-gui: the run did not finish: %s\n",
                 window_.status().toLocal8Bit().constData());
    emit finished(false);
    return;
  }
  QTabWidget* tabs = window_.result_tabs();
  for (int i = 0; i < tabs->count(); ++i) {
    tabs->setCurrentIndex(i);
    if (auto* cluster = qobject_cast<ClusterPage*>(tabs->widget(i)); cluster && cluster_at_s_ >= 0)
      cluster->show_time(cluster_at_s_);
    take((comparing_ ? QStringLiteral("compare-") : QString()) +
         tabs->tabText(i)
             .toLower()
             .replace(QLatin1Char(' '), QLatin1Char('-'))
             .remove(QLatin1Char('/')));
  }
  if (comparing_ || compare_edits_.isEmpty()) {
    emit finished(ok_);
    return;
  }
  comparing_ = true;
  window_.pin_results();
  for (const QString& edit : compare_edits_) {
    const qsizetype equals = edit.indexOf(QLatin1Char('='));
    window_.edit(edit.left(equals).toStdString(), edit.mid(equals + 1).toStdString());
  }
  if (!window_.start_run()) {
    std::fprintf(stderr, "flashtwin-gui: design B cannot run: %s\n",
                 window_.validation().message.toLocal8Bit().constData());
    emit finished(false);
  }
}

}  // namespace flashtwin::gui
