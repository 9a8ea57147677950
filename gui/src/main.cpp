// flashtwin-gui [SCENARIO]: the architect's workbench (docs/GUI.md). Opens on the embedded
// default scenario, or on SCENARIO. `--sweep-report DIR` writes a sweep's report.html
// (sweep_report.hpp) and exits: 0 written, 1 not. `--screenshots DIR [--compare-set PATH=VALUE]...
// [--cluster-at SECONDS]` takes the program's own screenshots instead (screenshots.hpp) and
// exits: 0 when all were written, 1 when a run or a save failed, 2 for bad arguments.
#include "main_window.hpp"
#include "screenshots.hpp"
#include "sweep_report.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>
#include <memory>

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("flashtwin-gui"));
  QCommandLineParser options;
  options.setApplicationDescription(
      QStringLiteral("flashtwin's workbench: design a flash tier, run it, compare designs"));
  options.addHelpOption();
  options.addPositionalArgument(QStringLiteral("scenario"),
                                QStringLiteral("Scenario JSON file (default: the embedded one)"));
  const QCommandLineOption screenshots(
      QStringLiteral("screenshots"),
      QStringLiteral("Write the main views as PNGs into DIR, then exit"), QStringLiteral("DIR"));
  const QCommandLineOption compare(
      QStringLiteral("compare-set"),
      QStringLiteral("With --screenshots: pin the run as A, make this "
                     "edit (PATH=VALUE, as flashtwin run --set) and run B"),
      QStringLiteral("PATH=VALUE"));
  const QCommandLineOption cluster_at(
      QStringLiteral("cluster-at"),
      QStringLiteral("With --screenshots: show the cluster view at this simulated time"),
      QStringLiteral("SECONDS"));
  const QCommandLineOption sweep_report(
      QStringLiteral("sweep-report"),
      QStringLiteral("Write DIR/report.html from a sweep's DIR/results.json, then exit"),
      QStringLiteral("DIR"));
  options.addOption(sweep_report);
  options.addOption(screenshots);
  options.addOption(compare);
  options.addOption(cluster_at);
  options.process(app);
  if (options.isSet(sweep_report)) {
    QString error;
    if (!flashtwin::gui::write_sweep_report(options.value(sweep_report), error)) {
      std::fprintf(stderr, "flashtwin-gui: %s\n", error.toLocal8Bit().constData());
      return 1;
    }
    return 0;
  }
  bool time_ok = true;
  const double cluster_at_s =
      options.isSet(cluster_at) ? options.value(cluster_at).toDouble(&time_ok) : -1.0;
  if (!time_ok) {
    std::fprintf(stderr, "flashtwin-gui: --cluster-at wants seconds, not '%s'\n",
                 options.value(cluster_at).toLocal8Bit().constData());
    return 2;
  }

  flashtwin::gui::MainWindow window;
  if (!options.positionalArguments().isEmpty() &&
      !window.open_scenario(options.positionalArguments().first())) {
    std::fprintf(stderr, "flashtwin-gui: %s\n", window.status().toLocal8Bit().constData());
    if (options.isSet(screenshots)) return 2;
  }
  window.resize(1280, 800);
  window.show();
  std::unique_ptr<flashtwin::gui::Screenshots> shooter;
  if (options.isSet(screenshots)) {
    shooter = std::make_unique<flashtwin::gui::Screenshots>(window, options.value(screenshots),
                                                            options.values(compare), cluster_at_s);
    QObject::connect(shooter.get(), &flashtwin::gui::Screenshots::finished, &app,
                     [](bool ok) { QApplication::exit(ok ? 0 : 1); });
    QTimer::singleShot(0, shooter.get(), [&shooter] { shooter->start(); });
  }
  return QApplication::exec();
}
