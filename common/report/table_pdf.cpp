#include "common/report/table_pdf.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <cairo-pdf.h>
#include <cairo.h>

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/report/xlsx_writer.hpp"
#include "common/text.hpp"

namespace dspt::report {

namespace {

constexpr double kPageWidth = 842;  // A4 landscape, in points
constexpr double kPageHeight = 595;
constexpr double kMargin = 40;
constexpr double kFontSize = 9;
constexpr double kLineHeight = 11.5;
constexpr double kPadding = 3;
constexpr const char* kFont = "DejaVu Sans";

struct SurfaceDeleter {
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};

void check_cairo(cairo_status_t status) {
    if (status != CAIRO_STATUS_SUCCESS) {
        fail(ErrorCode::internal,
             std::string("drawing the PDF document failed: ") + cairo_status_to_string(status));
    }
}

cairo_status_t append_pdf_bytes(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

class TableDrawing {
  public:
    TableDrawing(cairo_t* cr, const PdfTable& table) : cr_(cr), table_(table) {}

    void draw() {
        bool first = true;
        for (const auto& line : table_.heading) {
            font(first ? 14 : 10, first);
            y_ += first ? 18 : 14;
            cairo_move_to(cr_, kMargin, y_);
            cairo_show_text(cr_, xlsx_cell_text(line).c_str());
            first = false;
        }
        y_ += 12;
        draw_row(table_.headers, true);
        for (const auto& row : table_.rows) {
            draw_row(row, false);
        }
        if (table_.rows.empty()) {
            font(kFontSize, false);
            y_ += 16;
            cairo_move_to(cr_, kMargin, y_);
            cairo_show_text(cr_, xlsx_cell_text(table_.empty_text).c_str());
        }
        cairo_show_page(cr_);
    }

  private:
    void font(double size, bool bold) {
        cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr_, size);
        cairo_set_source_rgb(cr_, 0, 0, 0);
    }

    double width_of(const std::string& text) {
        cairo_text_extents_t extents;
        cairo_text_extents(cr_, text.c_str(), &extents);
        return extents.x_advance;
    }

    // `text` in lines no wider than `width`, broken between words, and inside
    // a word only when the word alone is wider.
    std::vector<std::string> wrap(const std::string& text, double width) {
        std::vector<std::string> lines;
        std::string line;
        const auto push_word = [&](const std::string& word) {
            const std::string joined_line = line.empty() ? word : line + " " + word;
            if (width_of(joined_line) <= width) {
                line = joined_line;
                return;
            }
            if (!line.empty()) {
                lines.push_back(line);
                line.clear();
            }
            // A word wider than the column: as many characters as fit per line.
            std::size_t at = 0;
            while (at < word.size()) {
                std::size_t end = at;
                std::string piece;
                while (end < word.size()) {
                    const auto length = std::max<std::size_t>(1, utf8_sequence_length(word, end));
                    const auto longer = word.substr(at, end + length - at);
                    if (!piece.empty() && width_of(longer) > width) {
                        break;
                    }
                    piece = longer;
                    end += length;
                }
                if (end < word.size()) {
                    lines.push_back(piece);
                } else {
                    line = piece;
                }
                at = end;
            }
        };
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto space = text.find_first_of(" \n\t", start);
            const auto end = space == std::string::npos ? text.size() : space;
            if (end > start) {
                push_word(text.substr(start, end - start));
            }
            if (space != std::string::npos && text[space] == '\n' && !line.empty()) {
                lines.push_back(line);
                line.clear();
            }
            if (space == std::string::npos) {
                break;
            }
            start = space + 1;
        }
        if (!line.empty() || lines.empty()) {
            lines.push_back(line);
        }
        return lines;
    }

    void new_page() {
        cairo_show_page(cr_);
        y_ = kMargin;
        draw_row(table_.headers, true);
    }

    // One column per width; a row's cells beyond them are left out, and a
    // row with fewer cells leaves the last columns empty.
    std::size_t columns() const { return table_.widths.size(); }

    void draw_row(const std::vector<std::string>& cells, bool header) {
        font(kFontSize, header);
        std::vector<std::vector<std::string>> lines(columns());
        std::size_t tallest = 1;
        for (std::size_t i = 0; i < columns(); ++i) {
            const std::string cell = i < cells.size() ? cells[i] : std::string();
            lines[i] = wrap(xlsx_cell_text(cell), table_.widths[i] - 2 * kPadding);
            tallest = std::max(tallest, lines[i].size());
        }
        const double room = kPageHeight - kMargin - y_;
        double height = static_cast<double>(tallest) * kLineHeight + 2 * kPadding;
        if (height > room && !header && y_ > kMargin + 2 * kLineHeight + 2 * kPadding) {
            new_page();
            font(kFontSize, header);
        }
        height = std::min(height, kPageHeight - kMargin - y_);
        const auto shown = static_cast<std::size_t>((height - 2 * kPadding) / kLineHeight);
        double x = kMargin;
        for (std::size_t i = 0; i < columns(); ++i) {
            if (header) {
                cairo_set_source_rgb(cr_, 0.85, 0.88, 0.95);
                cairo_rectangle(cr_, x, y_, table_.widths[i], height);
                cairo_fill(cr_);
                cairo_set_source_rgb(cr_, 0, 0, 0);
            }
            cairo_set_line_width(cr_, 0.5);
            cairo_rectangle(cr_, x, y_, table_.widths[i], height);
            cairo_stroke(cr_);
            for (std::size_t k = 0; k < lines[i].size() && k < shown; ++k) {
                cairo_move_to(cr_, x + kPadding,
                              y_ + kPadding + static_cast<double>(k + 1) * kLineHeight - 2.5);
                cairo_show_text(cr_, lines[i][k].c_str());
            }
            x += table_.widths[i];
        }
        y_ += height;
    }

    cairo_t* cr_;
    const PdfTable& table_;
    double y_ = kMargin;
};

}  // namespace

std::string table_pdf(const PdfTable& table) {
    std::string bytes;
    std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
        cairo_pdf_surface_create_for_stream(append_pdf_bytes, &bytes, kPageWidth, kPageHeight));
    check_cairo(cairo_surface_status(surface.get()));
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                   xlsx_cell_text(table.title).c_str());
    {
        std::unique_ptr<cairo_t, ContextDeleter> cr(cairo_create(surface.get()));
        check_cairo(cairo_status(cr.get()));
        TableDrawing(cr.get(), table).draw();
        check_cairo(cairo_status(cr.get()));
    }
    cairo_surface_finish(surface.get());
    check_cairo(cairo_surface_status(surface.get()));
    return bytes;
}

double pdf_text_width() noexcept {
    return kPageWidth - 2 * kMargin;
}

}  // namespace dspt::report
