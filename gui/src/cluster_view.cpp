#include "cluster_view.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

namespace flashtwin::gui {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
const QColor kUsed(70, 130, 180);        // steel blue
const QColor kDirty(230, 126, 34);       // orange
const QColor kReplica(142, 68, 173);     // purple
const QColor kReplicaLine(39, 174, 96);  // green
const QColor kDown(192, 57, 43);         // red

// A size as read on a host box: MiB below 1 GiB, else GiB.
QString size_text(double bytes) {
  if (bytes < kGiB) return QString::number(bytes / (1024 * 1024), 'f', 0) + QStringLiteral(" MiB");
  return QString::number(bytes / kGiB, 'f', bytes < 10 * kGiB ? 2 : 1) + QStringLiteral(" GiB");
}

// One cache's fill: used (blue) with its dirty part (orange) from the left, replicas held for
// peers (purple) after them (the used bytes count them), against the capacity.
void paint_cache(QPainter& p, const QRectF& bar, const CacheState& cache) {
  p.setPen(Qt::NoPen);
  p.setBrush(QColor(232, 232, 232));
  p.drawRect(bar);
  const double capacity = std::max(cache.capacity_bytes, 1.0);
  auto part = [&](double from, double bytes, const QColor& colour) {
    const double x0 = bar.left() + bar.width() * std::min(1.0, from / capacity);
    const double x1 = bar.left() + bar.width() * std::min(1.0, (from + bytes) / capacity);
    p.setBrush(colour);
    p.drawRect(QRectF(x0, bar.top(), x1 - x0, bar.height()));
  };
  const double clean = std::max(0.0, cache.used_bytes - cache.dirty_bytes - cache.replica_bytes);
  part(0, clean, kUsed);
  part(clean, cache.dirty_bytes, kDirty);
  part(clean + cache.dirty_bytes, cache.replica_bytes, kReplica);
  p.setPen(QColor(120, 120, 120));
  p.setBrush(Qt::NoBrush);
  p.drawRect(bar);
}

// The middle of the side of `box` that faces `other`: where a line to it leaves the box.
QPointF facing_edge(const QRectF& box, const QPointF& other) {
  const QPointF d = other - box.center();
  if (std::abs(d.x()) * box.height() >= std::abs(d.y()) * box.width())
    return {d.x() > 0 ? box.right() : box.left(), box.center().y()};
  return {box.center().x(), d.y() > 0 ? box.bottom() : box.top()};
}

}  // namespace

ClusterCanvas::ClusterCanvas(QWidget* parent) : QWidget(parent) {
  setBackgroundRole(QPalette::Base);
  setAutoFillBackground(true);
}

void ClusterCanvas::show_state(ClusterState state) {
  state_ = std::move(state);
  update();
}

void ClusterCanvas::paintEvent(QPaintEvent* /*event*/) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QFontMetricsF fm(font());
  const double line = fm.height();
  const double margin = 12;

  // Racks in order of first appearance; hosts without a rack share one column.
  std::vector<std::pair<std::string, std::vector<const HostState*>>> racks;
  for (const HostState& host : state_.hosts) {
    auto rack = std::find_if(racks.begin(), racks.end(),
                             [&](const auto& r) { return r.first == host.rack; });
    if (rack == racks.end()) {
      racks.emplace_back(host.rack, std::vector<const HostState*>{});
      rack = std::prev(racks.end());
    }
    rack->second.push_back(&host);
  }
  double tallest = 1;  // hosts in the fullest rack
  for (const auto& rack : racks)
    tallest = std::max(tallest, static_cast<double>(rack.second.size()));
  const double columns = std::max(1.0, static_cast<double>(racks.size()));

  // The legend's entries, in as many lines as the width needs.
  const std::vector<std::pair<QColor, QString>> legend = {
      {kUsed, tr("clean")},
      {kDirty, tr("dirty (not on the array yet)")},
      {kReplica, tr("replicas held for peers")},
      {kReplicaLine, tr("VM's host → its replica peer")}};
  const auto entry_w = [&](const QString& name) { return line * 2.4 + fm.horizontalAdvance(name); };
  int legend_lines = 1;
  for (double x = margin; const auto& [colour, name] : legend) {
    if (x > margin && x + entry_w(name) > width() - margin) {
      ++legend_lines;
      x = margin;
    }
    x += entry_w(name);
  }
  const double legend_h = line * (0.4 + 1.2 * legend_lines);
  const double array_h = line * 2.4;
  const double top = margin;
  const double bottom = height() - margin - legend_h - array_h - margin;
  const double column_w = (width() - margin * (columns + 1)) / columns;
  const double rack_title = line * 1.4;
  const double host_gap = 10;
  // As tall as the rack column allows, but no taller than a host's content needs.
  std::size_t most_caches = 1;
  for (const HostState& host : state_.hosts)
    most_caches = std::max(most_caches, host.caches.size());
  const double content_h = line * (1.3 + 2.0 * static_cast<double>(most_caches) + 2.6);
  const double host_h = std::clamp((bottom - top - rack_title - host_gap * tallest) / tallest,
                                   line * 4, std::max(line * 4, content_h));

  std::map<std::string, QRectF> boxes;
  QFont bold = font();
  bold.setBold(true);
  for (std::size_t r = 0; r < racks.size(); ++r) {
    const double x = margin + static_cast<double>(r) * (column_w + margin);
    const auto in_rack = static_cast<double>(racks[r].second.size());
    const QRectF rack_box(x, top, column_w, rack_title + in_rack * (host_h + host_gap));
    p.setPen(QPen(QColor(180, 180, 180), 1, Qt::DashLine));
    p.setBrush(QColor(248, 248, 250));
    p.drawRoundedRect(rack_box, 6, 6);
    p.setPen(QColor(90, 90, 90));
    p.drawText(QRectF(x + 8, top, column_w - 16, rack_title), Qt::AlignVCenter | Qt::AlignLeft,
               racks[r].first.empty() ? tr("no rack")
                                      : tr("rack %1").arg(QString::fromStdString(racks[r].first)));
    for (std::size_t h = 0; h < racks[r].second.size(); ++h) {
      const HostState& host = *racks[r].second[h];
      const QRectF box(x + 8, top + rack_title + static_cast<double>(h) * (host_h + host_gap),
                       column_w - 16, host_h);
      boxes[host.name] = box;
      p.setPen(QPen(host.down ? kDown : QColor(100, 100, 100), host.down ? 2.5 : 1));
      p.setBrush(host.down ? QColor(250, 225, 222) : QColor(255, 255, 255));
      p.drawRoundedRect(box, 5, 5);
      double y = box.top() + 4;
      p.setFont(bold);
      p.setPen(Qt::black);
      QString title = QString::fromStdString(host.name);
      QStringList marks;
      if (host.down) marks << tr("DOWN");
      if (host.flash_failed) marks << tr("flash failed");
      if (!host.cut_links.empty()) marks << tr("link cut");
      p.drawText(QRectF(box.left() + 8, y, box.width() - 16, line), Qt::AlignLeft, title);
      if (!marks.isEmpty()) {
        p.setPen(kDown);
        p.drawText(QRectF(box.left() + 8, y, box.width() - 16, line), Qt::AlignRight,
                   marks.join(QStringLiteral(", ")));
      }
      p.setFont(font());
      y += line * 1.15;
      if (host.caches.empty()) {
        p.setPen(QColor(90, 90, 90));
        p.drawText(
            QRectF(box.left() + 8, y, box.width() - 16, line), Qt::AlignLeft,
            host.remote_flash.empty()
                ? tr("no flash: its VMs go to the array")
                : tr("no flash: caches on %1").arg(QString::fromStdString(host.remote_flash)));
        y += line * 1.1;
      }
      for (const CacheState& cache : host.caches) {  // the bar, its figures below it
        const QRectF bar(box.left() + 8, y + 2, box.width() - 16, line * 0.7);
        paint_cache(p, bar, cache);
        p.setPen(Qt::black);
        const QString medium = cache.ram ? tr("RAM") : tr("flash");
        QString figures =
            state_.levels ? tr("%1 %2 of %3, dirty %4")
                                .arg(medium, size_text(cache.used_bytes),
                                     size_text(cache.capacity_bytes), size_text(cache.dirty_bytes))
                          : tr("%1 %2 (%3)")
                                .arg(medium, size_text(cache.capacity_bytes),
                                     QString::fromStdString(cache.device));
        if (cache.replica_bytes > 0)
          figures += tr(", replicas %1").arg(size_text(cache.replica_bytes));
        p.drawText(QRectF(bar.left(), bar.bottom() + 2, bar.width(), line),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(figures, Qt::ElideRight, bar.width()));
        y += line * 2.0;
      }
      QStringList vms;
      for (const std::string& vm : host.vms)
        vms << QString::fromStdString(vm);
      p.setPen(QColor(40, 40, 40));
      const QRectF vm_box(box.left() + 8, y, box.width() - 16, box.bottom() - y - 2);
      p.drawText(vm_box, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                 vms.isEmpty() ? tr("no VM") : tr("VMs: %1").arg(vms.join(QStringLiteral(", "))));
    }
  }

  // Replica lines: from the VM's host to each peer, curved so two directions stay apart.
  for (const ReplicaLine& r : state_.replicas) {
    if (!boxes.count(r.from) || !boxes.count(r.to)) continue;
    const QPointF a = facing_edge(boxes[r.from], boxes[r.to].center());
    const QPointF b = facing_edge(boxes[r.to], boxes[r.from].center());
    const QPointF mid = (a + b) / 2;
    const QPointF along = b - a;
    const double length = std::hypot(along.x(), along.y());
    if (length < 1) continue;
    const QPointF normal(-along.y() / length, along.x() / length);
    const QPointF control = mid + normal * std::clamp(length * 0.25, 22.0, 60.0);
    QPainterPath path(a);
    path.quadTo(control, b);
    p.setPen(QPen(QColor(kReplicaLine.red(), kReplicaLine.green(), kReplicaLine.blue(), 190),
                  1.5 + r.vms, Qt::SolidLine, Qt::RoundCap));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    p.setBrush(kReplicaLine);
    p.drawEllipse(b, 4, 4);
    const QPointF label = path.pointAtPercent(0.5);
    const QString text = r.vms == 1 ? tr("1 VM") : tr("%1 VMs").arg(r.vms);
    const QRectF label_box(label.x() - fm.horizontalAdvance(text) / 2 - 4, label.y() - line / 2,
                           fm.horizontalAdvance(text) + 8, line);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(255, 255, 255, 220));
    p.drawRoundedRect(label_box, 3, 3);
    p.setPen(kReplicaLine.darker(140));
    p.drawText(label_box, Qt::AlignCenter, text);
  }

  // The array, and what is down.
  const QRectF array_box(margin, height() - margin - legend_h - array_h, width() - 2 * margin,
                         array_h - 6);
  p.setPen(QPen(state_.array_down ? kDown : QColor(100, 100, 100), state_.array_down ? 2.5 : 1));
  p.setBrush(state_.array_down ? QColor(250, 225, 222) : QColor(236, 240, 245));
  p.drawRoundedRect(array_box, 5, 5);
  QString array = tr("storage array %1").arg(QString::fromStdString(state_.array_preset));
  if (state_.array_down)
    array += tr(" — OUTAGE: answers nothing");
  else if (state_.array_slowdown > 1)
    array += tr(" — slowed x%1").arg(state_.array_slowdown);
  if (!state_.down_vms.empty()) {
    QStringList down;
    for (const std::string& vm : state_.down_vms)
      down << QString::fromStdString(vm);
    array += tr("   |   VMs down, waiting for a restart: %1").arg(down.join(QStringLiteral(", ")));
  }
  if (!state_.cut_links.empty()) {
    QStringList cut;
    for (const std::string& link : state_.cut_links)
      cut << QString::fromStdString(link);
    array += tr("   |   links cut: %1").arg(cut.join(QStringLiteral(", ")));
  }
  p.setPen(Qt::black);
  p.drawText(array_box.adjusted(10, 0, -10, 0), Qt::AlignVCenter | Qt::AlignLeft, array);

  double x = margin;
  double y = height() - margin - legend_h + line * 0.2;
  for (const auto& [colour, name] : legend) {
    if (x > margin && x + entry_w(name) > width() - margin) {
      x = margin;
      y += line * 1.2;
    }
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    p.drawRect(QRectF(x, y + line * 0.2, line * 0.9, line * 0.6));
    x += line * 1.2;
    p.setPen(Qt::black);
    p.drawText(QPointF(x, y + fm.ascent()), name);
    x += fm.horizontalAdvance(name) + line * 1.2;
  }
}

ClusterPage::ClusterPage(std::unique_ptr<ClusterPlayback> playback, QWidget* parent)
    : QWidget(parent), playback_(std::move(playback)) {
  auto* column = new QVBoxLayout(this);
  auto* title =
      new QLabel(tr("<b>The cluster over time</b> — hosts by rack, cache fill, VMs, "
                    "replica peers, failures"));
  column->addWidget(title);
  canvas_ = new ClusterCanvas;
  column->addWidget(canvas_, 1);
  auto* controls = new QHBoxLayout;
  play_ = new QPushButton(tr("Play"));
  play_->setToolTip(tr("Play the run back (Space)"));
  controls->addWidget(play_);
  slider_ = new QSlider(Qt::Horizontal);
  const int last = static_cast<int>(playback_->moments().size()) - 1;
  slider_->setRange(0, std::max(0, last));
  slider_->setPageStep(std::max(1, last / 10));
  slider_->setToolTip(tr("Simulated time: drag, or use the arrow keys"));
  controls->addWidget(slider_, 1);
  time_ = new QLabel;
  time_->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("t = 00000.0 s")));
  controls->addWidget(time_);
  column->addLayout(controls);
  events_ = new QLabel;
  events_->setWordWrap(true);
  events_->setMinimumHeight(fontMetrics().lineSpacing() * 3);  // up to three lines of events
  events_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  column->addWidget(events_);
  timer_ = new QTimer(this);
  timer_->setInterval(150);
  connect(timer_, &QTimer::timeout, this, [this] {
    if (slider_->value() >= slider_->maximum()) {
      play(false);
      return;
    }
    slider_->setValue(slider_->value() + 1);
  });
  connect(play_, &QPushButton::clicked, this, [this] { play(!timer_->isActive()); });
  // Space plays or pauses while the focus is in this page (not on a field of the design).
  auto* space = new QShortcut(QKeySequence(Qt::Key_Space), this);
  space->setContext(Qt::WidgetWithChildrenShortcut);
  connect(space, &QShortcut::activated, this, [this] { play(!timer_->isActive()); });
  connect(slider_, &QSlider::valueChanged, this, &ClusterPage::show_moment);
  slider_->setValue(std::max(0, last));
  show_moment(slider_->value());
}

void ClusterPage::play(bool on) {
  if (on && slider_->value() >= slider_->maximum()) slider_->setValue(0);
  if (on)
    timer_->start();
  else
    timer_->stop();
  play_->setText(on ? tr("Pause") : tr("Play"));
}

void ClusterPage::show_time(double t_s) {
  const std::vector<double>& moments = playback_->moments();
  const auto it = std::lower_bound(moments.begin(), moments.end(), t_s - 1e-9);
  slider_->setValue(it == moments.end() ? slider_->maximum()
                                        : static_cast<int>(it - moments.begin()));
}

void ClusterPage::show_moment(int index) {
  const std::vector<double>& moments = playback_->moments();
  const auto i =
      static_cast<std::size_t>(std::clamp(index, 0, static_cast<int>(moments.size()) - 1));
  ClusterState state = playback_->state_at(moments[i]);
  time_->setText(tr("t = %1 s").arg(moments[i], 0, 'f', 1));
  QStringList happened;
  for (const std::string& e : state.happened)
    happened << QString::fromStdString(e);
  events_->setText(happened.isEmpty()
                       ? tr("Nothing failed or moved in this interval.")
                       : tr("In this interval: %1").arg(happened.join(QStringLiteral("; "))));
  canvas_->show_state(std::move(state));
}

}  // namespace flashtwin::gui
