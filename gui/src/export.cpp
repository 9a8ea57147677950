#include "export.hpp"

#include <QBuffer>
#include <QChartView>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTableWidget>

namespace flashtwin::gui {
namespace {

bool write_file(const QString& path, const QByteArray& bytes, QString& error) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
    error = path + QStringLiteral(": ") + file.errorString();
    return false;
  }
  return true;
}

QString csv_field(const QString& text) {
  if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) &&
      !text.contains(QLatin1Char('\n')))
    return text;
  QString quoted = text;
  quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
  return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString cell(const QTableWidget* table, int row, int column) {
  const QTableWidgetItem* item = table->item(row, column);
  return item == nullptr ? QString() : item->text();
}

QByteArray png_of(QWidget* view) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  view->grab().save(&buffer, "PNG");
  return bytes;
}

}  // namespace

bool save_chart(QChartView* view, const QString& path, QString& error) {
  return save_picture(view, view->chart()->title(), path, error);
}

bool save_picture(QWidget* view, const QString& title, const QString& path, QString& error) {
  if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(view->size());
    svg.setViewBox(view->rect());
    svg.setTitle(title);
    QPainter painter(&svg);
    view->render(&painter);
    painter.end();
    return write_file(path, bytes, error);
  }
  if (path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
    return write_file(path, png_of(view), error);
  error = path + QStringLiteral(": a picture is saved as .png or .svg");
  return false;
}

bool save_table_csv(const QTableWidget* table, const QString& path, QString& error) {
  QString text;
  QStringList header;
  for (int c = 0; c < table->columnCount(); ++c) {
    const QTableWidgetItem* item = table->horizontalHeaderItem(c);
    header << csv_field(item == nullptr ? QString::number(c) : item->text());
  }
  text += header.join(QLatin1Char(',')) + QLatin1Char('\n');
  for (int r = 0; r < table->rowCount(); ++r) {
    QStringList row;
    for (int c = 0; c < table->columnCount(); ++c)
      row << csv_field(cell(table, r, c));
    text += row.join(QLatin1Char(',')) + QLatin1Char('\n');
  }
  return write_file(path, text.toUtf8(), error);
}

bool save_html_report(const QString& path, const QString& title, const QTableWidget* table,
                      const std::vector<QChartView*>& charts, QString& error,
                      const QStringList& notes) {
  QString html = QStringLiteral(
                     "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title>"
                     "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
                     "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:4px 8px}"
                     "td{text-align:right}td:first-child{text-align:left}"
                     "img{max-width:100%;margin:1em 0}</style></head><body>\n<h1>%1</h1>\n")
                     .arg(title.toHtmlEscaped());
  for (const QString& note : notes)
    html += QStringLiteral("<p>%1</p>\n").arg(note.toHtmlEscaped());
  html += QStringLiteral("<table><tr>");
  for (int c = 0; c < table->columnCount(); ++c) {
    const QTableWidgetItem* item = table->horizontalHeaderItem(c);
    html += QStringLiteral("<th>%1</th>").arg(item ? item->text().toHtmlEscaped() : QString());
  }
  html += QStringLiteral("</tr>\n");
  for (int r = 0; r < table->rowCount(); ++r) {
    html += QStringLiteral("<tr>");
    for (int c = 0; c < table->columnCount(); ++c) {
      const QTableWidgetItem* item = table->item(r, c);
      const QString style =
          item && item->background().style() != Qt::NoBrush
              ? QStringLiteral(" style=\"background:%1\"").arg(item->background().color().name())
              : QString();
      html += QStringLiteral("<td%1>%2</td>").arg(style, cell(table, r, c).toHtmlEscaped());
    }
    html += QStringLiteral("</tr>\n");
  }
  html += QStringLiteral("</table>\n");
  for (QChartView* view : charts) {
    html += QStringLiteral("<h2>%1</h2>\n<img alt=\"%1\" src=\"data:image/png;base64,%2\">\n")
                .arg(view->chart()->title().toHtmlEscaped(),
                     QString::fromLatin1(png_of(view).toBase64()));
  }
  html += QStringLiteral("</body></html>\n");
  return write_file(path, html.toUtf8(), error);
}

}  // namespace flashtwin::gui
