// The program's own screenshots (`flashtwin-gui --screenshots DIR [--compare-set PATH=VALUE]...
// [SCENARIO]`), as the README shows them: the design, then a run of it and each result tab; with
// --compare-set, that run is pinned as A, the edits are made and run as B, and the comparison and
// its overlaid charts are taken too. PNGs named 01-design.png, 02-design-events.png,
// 03-design-cluster.png, 04-<tab>.png, ... at the window's size (1280x800). Works on the offscreen
// platform. Reports a failed run or save on stderr.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

namespace flashtwin::gui {

class MainWindow;

class Screenshots : public QObject {
  Q_OBJECT

 public:
  // cluster_at_s >= 0: the cluster view is taken at that simulated time (else at the run's end).
  Screenshots(MainWindow& window, QString folder, QStringList compare_edits,
              double cluster_at_s = -1);
  // Starts; finished(ok) comes once every picture is written or something failed.
  void start();

 signals:
  void finished(bool ok);

 private:
  void take(const QString& name);
  void run_ended(int outcome);

  MainWindow& window_;
  QString folder_;
  QStringList compare_edits_;
  double cluster_at_s_ = -1;
  int taken_ = 0;
  bool comparing_ = false;
  bool ok_ = true;
};

}  // namespace flashtwin::gui
