// flashtwin-gui [SCENARIO]: the architect's workbench (gui/README.md). Opens on the embedded
// default scenario, or on SCENARIO.
#include "main_window.hpp"

#include <QApplication>

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("flashtwin-gui"));
  flashtwin::gui::MainWindow window;
  const QStringList arguments = QApplication::arguments();
  if (arguments.size() > 1) window.open_scenario(arguments.at(1));
  window.show();
  return QApplication::exec();
}
