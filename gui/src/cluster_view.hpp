// The cluster view: racks side by side, each host a box with its caches' fill (used, dirty,
// replicas held for peers, against capacity), the VMs running on it, and its state (down, flash
// failed, a link cut); curved lines from a VM's host to the peers holding its write-back replicas
// (the number of VMs on each); the array below (outage, slowdown). ClusterCanvas paints one
// ClusterState; ClusterPage adds the playback of a finished run: a slider over the run's intervals
// (arrow keys step), Play / Pause (Space), the simulated time and what happened in the interval.
#pragma once

#include "cluster_state.hpp"

#include <QWidget>

#include <memory>

QT_BEGIN_NAMESPACE
class QLabel;
class QPushButton;
class QSlider;
class QTimer;
QT_END_NAMESPACE

namespace flashtwin::gui {

class ClusterCanvas : public QWidget {
  Q_OBJECT

 public:
  explicit ClusterCanvas(QWidget* parent = nullptr);
  void show_state(ClusterState state);
  const ClusterState& state() const { return state_; }
  QSize minimumSizeHint() const override { return {480, 320}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  ClusterState state_;
};

class ClusterPage : public QWidget {
  Q_OBJECT

 public:
  explicit ClusterPage(std::unique_ptr<ClusterPlayback> playback, QWidget* parent = nullptr);
  // Shows moment `index` of the playback (clamped).
  void show_moment(int index);
  // Shows the first moment at or after t_s (the last one when t_s is past the run).
  void show_time(double t_s);
  QSlider* slider() const { return slider_; }
  ClusterCanvas* canvas() const { return canvas_; }
  void play(bool on);

 private:
  std::unique_ptr<ClusterPlayback> playback_;
  ClusterCanvas* canvas_ = nullptr;
  QSlider* slider_ = nullptr;
  QPushButton* play_ = nullptr;
  QLabel* time_ = nullptr;
  QLabel* events_ = nullptr;  // the timeline's entries of the interval shown
  QTimer* timer_ = nullptr;
};

}  // namespace flashtwin::gui
