#include "common/report/xlsx_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>
#include <utility>

#include <xlsxwriter.h>

#include "common/error.hpp"

namespace dspt::report {

namespace {

namespace fs = std::filesystem;

// Excel's limit on the length of a cell's text, in UTF-16 code units.
constexpr std::size_t kMaxCellUnits = 32767;
constexpr std::size_t kMaxSheetNameChars = 31;  // Excel's limit
constexpr std::string_view kTruncatedNote =
    " [truncated: an Excel cell holds at most 32,767 characters]";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct ColumnStyle {
    double width;
    bool wrap;
};

// Widths in Excel character units, in kColumnHeaders order.
constexpr std::array<ColumnStyle, kColumnCount> kColumnStyles = {{
    {9, false},   // Standard
    {8, false},   // Item
    {30, true},   // Title
    {50, true},   // Question
    {10, false},  // Type
    {15, false},  // Mandatory for Approaching Standards
    {15, false},  // Mandatory for Standards Met
    {11, false},  // State
    {40, true},   // Answer
    {40, true},   // Comment
    {30, true},   // Evidence files
    {30, true},   // Document location
    {40, true},   // Action
    {18, true},   // Action owner
    {11, false},  // Action due
    {10, false},  // Source
}};
constexpr double kHeaderHeight = 48;  // three lines of the wrapped header text
constexpr std::uint8_t kPaperA4 = 9;

unsigned char byte_at(std::string_view text, std::size_t i) noexcept {
    return static_cast<unsigned char>(text[i]);
}

// The length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept {
    const unsigned char lead = byte_at(text, i);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : low;
        high = lead == 0xED ? 0x9F : high;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : low;
        high = lead == 0xF4 ? 0x8F : high;
    } else {
        return 0;
    }
    if (text.size() - i < length || byte_at(text, i + 1) < low || byte_at(text, i + 1) > high) {
        return 0;
    }
    for (std::size_t k = 2; k < length; ++k) {
        if ((byte_at(text, i + k) & 0xC0) != 0x80) {
            return 0;
        }
    }
    return length;
}

[[noreturn]] void fail_errno(const std::string& what, const std::string& path) {
    fail(ErrorCode::io, what + " " + path + ": " + std::strerror(errno));
}

// A uniquely named empty file beside the target, removed on destruction unless
// it has been renamed over the target.
class TempFile {
  public:
    explicit TempFile(const fs::path& target) {
        const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
        // Appended piecewise: g++ 12 at -O3 misreports `"." + string` (-Wrestrict).
        std::string stem(".");
        stem += target.filename().string();
        stem += ".tmp-";
        std::random_device device;
        for (int attempt = 0;; ++attempt) {
            char suffix[17];
            const auto value =
                (static_cast<std::uint64_t>(device()) << 32) ^ static_cast<std::uint64_t>(device());
            std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(value));
            const std::string candidate = (dir / (stem + suffix)).string();
            // O_EXCL: never reuse or follow someone else's file; 0644 less the umask,
            // as for any file the user saves.
            const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            if (fd >= 0) {
                ::close(fd);
                path_ = candidate;
                return;
            }
            if (errno != EEXIST || attempt == 10) {
                fail_errno("cannot create a temporary file for", target.string());
            }
        }
    }
    ~TempFile() {
        if (!path_.empty()) {
            ::unlink(path_.c_str());
        }
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::string& path() const noexcept { return path_; }

    // Flushes the finished file to disk and renames it over `target`.
    void commit_to(const fs::path& target) {
        const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fail_errno("cannot reopen", path_);
        }
        const bool synced = ::fsync(fd) == 0;
        ::close(fd);
        if (!synced) {
            fail_errno("cannot flush", path_);
        }
        if (::rename(path_.c_str(), target.c_str()) != 0) {
            fail_errno("cannot replace", target.string());
        }
        path_.clear();
    }

  private:
    std::string path_;
};

// Owns an lxw_workbook. workbook_close() is the library's only documented way
// to free one, and it writes the file, so the destructor closes it too; on an
// error path that file is the temporary one, which TempFile then removes.
class Workbook {
  public:
    explicit Workbook(const std::string& file) : workbook_(workbook_new(file.c_str())) {
        if (workbook_ == nullptr) {
            fail(ErrorCode::io, "cannot start a workbook for " + file);
        }
    }
    ~Workbook() {
        if (workbook_ != nullptr) {
            (void)workbook_close(workbook_);
        }
    }
    Workbook(const Workbook&) = delete;
    Workbook& operator=(const Workbook&) = delete;

    lxw_workbook* get() const noexcept { return workbook_; }

    // Writes the file and frees the workbook, whatever the result.
    lxw_error close() noexcept { return workbook_close(std::exchange(workbook_, nullptr)); }

  private:
    lxw_workbook* workbook_;
};

// Builds both sheets, turning every libxlsxwriter error into Error(io).
class SheetWriter {
  public:
    SheetWriter(lxw_workbook* workbook, std::string target)
        : workbook_(workbook), target_(std::move(target)) {
        header_ = new_format();
        format_set_bold(header_);
        format_set_text_wrap(header_);
        format_set_align(header_, LXW_ALIGN_VERTICAL_TOP);
        format_set_bg_color(header_, 0xD9E1F2);
        format_set_bottom(header_, LXW_BORDER_THIN);

        cell_ = new_format();
        format_set_align(cell_, LXW_ALIGN_VERTICAL_TOP);

        wrapped_ = new_format();
        format_set_align(wrapped_, LXW_ALIGN_VERTICAL_TOP);
        format_set_text_wrap(wrapped_);

        label_ = new_format();
        format_set_bold(label_);
        format_set_align(label_, LXW_ALIGN_VERTICAL_TOP);
    }

    void write_answers(const AnswersReport& report, const char* sheet_name = "Answers") {
        lxw_worksheet* sheet = new_sheet(sheet_name);
        for (lxw_col_t col = 0; col < kColumnCount; ++col) {
            const auto& style = kColumnStyles[col];
            check(worksheet_set_column(sheet, col, col, style.width, style.wrap ? wrapped_ : cell_),
                  "set a column width");
            write_text(sheet, 0, col, kColumnHeaders[col], header_);
        }
        check(worksheet_set_row(sheet, 0, kHeaderHeight, header_), "set the header height");

        lxw_row_t row_number = 0;
        for (const auto& row : report.rows) {
            ++row_number;
            const auto cells = to_cells(row);
            check(worksheet_write_number(sheet, row_number, 0, row.standard, cell_),
                  "write a number");
            for (lxw_col_t col = 1; col < kColumnCount; ++col) {
                write_text(sheet, row_number, col, cells[col],
                           kColumnStyles[col].wrap ? wrapped_ : cell_);
            }
        }

        worksheet_freeze_panes(sheet, 1, 0);
        check(worksheet_autofilter(sheet, 0, 0, row_number, kColumnCount - 1),
              "add the autofilter");
        worksheet_set_landscape(sheet);
        worksheet_set_paper(sheet, kPaperA4);
        worksheet_fit_to_pages(sheet, 1, 0);
        check(worksheet_repeat_rows(sheet, 0, 0), "repeat the header when printed");
    }

    void write_summary(const AnswersReport& report) {
        lxw_worksheet* sheet = new_sheet("Summary");
        check(worksheet_set_column(sheet, 0, 0, 46, nullptr), "set a column width");
        check(worksheet_set_column(sheet, 1, 1, 50, nullptr), "set a column width");
        const auto fraction = [](std::size_t satisfied, std::size_t total) {
            return std::to_string(satisfied) + "/" + std::to_string(total);
        };
        const std::pair<std::string_view, std::string> lines[] = {
            {"Site", report.site_name},
            {"Standards year", report.year},
            {"Level reached", report.level},
            {"Approaching Standards: mandatory items satisfied",
             fraction(report.approaching_satisfied, report.approaching_total)},
            {"Standards Met: mandatory items satisfied",
             fraction(report.met_satisfied, report.met_total)},
            {"Generated on", report.generated_on},
        };
        lxw_row_t row = 0;
        for (const auto& [label, value] : lines) {
            write_text(sheet, row, 0, label, label_);
            write_text(sheet, row, 1, value, cell_);
            ++row;
        }
        write_text(sheet, row + 1, 0,
                   "Responses only: evidence files are listed by name; their content is not "
                   "included.",
                   nullptr);
    }

    // One row per site: the summary of a headquarters' workbook.
    void write_sites(const std::vector<SiteSheet>& sites) {
        lxw_worksheet* sheet = new_sheet("Sites");
        const std::string_view headers[] = {"Sheet",
                                            "Site",
                                            "Standards year",
                                            "Level reached",
                                            "Approaching Standards: mandatory items satisfied",
                                            "Standards Met: mandatory items satisfied",
                                            "Generated on"};
        lxw_col_t col = 0;
        for (const auto header : headers) {
            check(worksheet_set_column(sheet, col, col, col == 1 ? 36 : 18, wrapped_),
                  "set a column width");
            write_text(sheet, 0, col++, header, header_);
        }
        check(worksheet_set_row(sheet, 0, kHeaderHeight, header_), "set the header height");
        lxw_row_t row = 0;
        for (const auto& site : sites) {
            ++row;
            const auto& report = site.report;
            const std::string cells[] = {
                site.sheet,
                report.site_name,
                report.year,
                report.level,
                std::to_string(report.approaching_satisfied) + "/" +
                    std::to_string(report.approaching_total),
                std::to_string(report.met_satisfied) + "/" + std::to_string(report.met_total),
                report.generated_on};
            col = 0;
            for (const auto& cell : cells) {
                write_text(sheet, row, col++, cell, cell_);
            }
        }
        worksheet_freeze_panes(sheet, 1, 0);
        write_text(sheet, row + 2, 0,
                   "One sheet per site follows. Responses only: evidence files are listed by "
                   "name; their content is not included.",
                   nullptr);
    }

    // The action plan: its heading lines, then one row per item (plan_report.hpp).
    void write_plan(const PlanReport& report) {
        lxw_worksheet* sheet = new_sheet("Action plan");
        constexpr double kWidths[] = {8, 30, 34, 44, 20, 12, 14};
        lxw_row_t row = 0;
        for (const auto& line : plan_heading(report)) {
            write_text(sheet, row, 0, line, row == 0 ? label_ : cell_);
            ++row;
        }
        ++row;
        const lxw_row_t header_row = row;
        for (lxw_col_t col = 0; col < kPlanHeaders.size(); ++col) {
            check(worksheet_set_column(sheet, col, col, kWidths[col], col == 0 ? cell_ : wrapped_),
                  "set a column width");
            write_text(sheet, header_row, col, kPlanHeaders[col], header_);
        }
        for (const auto& plan_row : report.rows) {
            ++row;
            lxw_col_t col = 0;
            for (const auto& cell : plan_cells(plan_row)) {
                write_text(sheet, row, col, cell, col == 0 ? cell_ : wrapped_);
                ++col;
            }
        }
        if (report.rows.empty()) {
            write_text(sheet, row + 1, 0,
                       "Every item needed for Standards Met is satisfied: nothing to plan.",
                       nullptr);
        }
        worksheet_freeze_panes(sheet, header_row + 1, 0);
        worksheet_set_landscape(sheet);
        worksheet_set_paper(sheet, kPaperA4);
        worksheet_fit_to_pages(sheet, 1, 0);
        check(worksheet_repeat_rows(sheet, header_row, header_row),
              "repeat the header when printed");
    }

  private:
    void check(lxw_error error, std::string_view what) const {
        if (error != LXW_NO_ERROR) {
            fail(ErrorCode::io, "cannot write " + target_ + " (" + std::string(what) +
                                    "): " + lxw_strerror(error));
        }
    }

    lxw_format* new_format() {
        lxw_format* format = workbook_add_format(workbook_);
        if (format == nullptr) {
            check(LXW_ERROR_MEMORY_MALLOC_FAILED, "add a cell format");
        }
        return format;
    }

    lxw_worksheet* new_sheet(const char* name) {
        lxw_worksheet* sheet = workbook_add_worksheet(workbook_, name);
        if (sheet == nullptr) {
            check(LXW_ERROR_MEMORY_MALLOC_FAILED, std::string("add the sheet ") + name);
        }
        return sheet;
    }

    void write_text(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, std::string_view text,
                    lxw_format* format) {
        // Always a string cell, never a formula: user text that starts with "="
        // must stay text.
        const std::string safe = xlsx_cell_text(text);
        check(worksheet_write_string(sheet, row, col, safe.c_str(), format), "write a cell");
    }

    lxw_workbook* workbook_;
    std::string target_;
    lxw_format* header_ = nullptr;  // formats are owned by the workbook
    lxw_format* cell_ = nullptr;
    lxw_format* wrapped_ = nullptr;
    lxw_format* label_ = nullptr;
};

// Writes a workbook filled by `fill` to `path`, atomically (TempFile).
template <class Fill>
void write_workbook(const fs::path& path, Fill&& fill) {
    // Declared first so it is destroyed last, after the workbook has let go of it.
    TempFile temp(path);
    {
        Workbook workbook(temp.path());
        SheetWriter writer(workbook.get(), path.string());
        fill(writer);
        if (const lxw_error error = workbook.close(); error != LXW_NO_ERROR) {
            fail(ErrorCode::io, "cannot write " + path.string() + ": " + lxw_strerror(error));
        }
    }
    temp.commit_to(path);
}

}  // namespace

std::string xlsx_cell_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t units = 0;                // UTF-16 code units in `out`
    std::size_t cut = std::string::npos;  // where to cut if the whole text is too long
    const std::size_t room = kMaxCellUnits - kTruncatedNote.size();
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8_sequence_length(text, i);
        std::string_view piece = text.substr(i, length == 0 ? 1 : length);
        std::size_t piece_units = length == 4 ? 2 : 1;
        if (length == 0) {
            piece = kReplacement;  // a stray or malformed byte
        } else if (length == 1 && byte_at(piece, 0) < 0x20) {
            const char c = piece.front();
            if (c == '\v' || c == '\f') {
                piece = "\n";
            } else if (c != '\t' && c != '\n' && c != '\r') {
                piece = kReplacement;
            }
        } else if (piece == "\xEF\xBF\xBE" || piece == "\xEF\xBF\xBF") {
            piece = kReplacement;  // U+FFFE and U+FFFF are not XML characters
        }
        if (cut == std::string::npos && units + piece_units > room) {
            cut = out.size();
        }
        out += piece;
        units += piece_units;
        i += length == 0 ? 1 : length;
        if (units > kMaxCellUnits) {
            break;
        }
    }
    if (units > kMaxCellUnits) {
        out.resize(cut);
        out += kTruncatedNote;
    }
    return out;
}

std::string xlsx_sheet_name(std::string_view name) {
    std::string out;
    for (const char c : name) {
        if (out.size() == kMaxSheetNameChars) {
            break;
        }
        const bool forbidden = std::string_view("[]:*?/\\").find(c) != std::string_view::npos ||
                               static_cast<unsigned char>(c) < 0x20 ||
                               static_cast<unsigned char>(c) >= 0x80;
        out += forbidden ? '-' : c;
    }
    while (!out.empty() && out.front() == '\'') {
        out.erase(out.begin());
    }
    return out.empty() || out == "Sites" ? "Site " + out : out;
}

void write_xlsx(const std::vector<SiteSheet>& sites, const std::filesystem::path& path) {
    if (sites.empty()) {
        fail(ErrorCode::invalid_argument, "a workbook of sites needs at least one site");
    }
    std::vector<std::string> names;
    for (const auto& site : sites) {
        const auto name = xlsx_sheet_name(site.sheet);
        if (std::find(names.begin(), names.end(), name) != names.end()) {
            fail(ErrorCode::invalid_argument, "two sites would share the sheet name " + name);
        }
        names.push_back(name);
    }
    write_workbook(path, [&](SheetWriter& writer) {
        writer.write_sites(sites);
        for (std::size_t i = 0; i < sites.size(); ++i) {
            writer.write_answers(sites[i].report, names[i].c_str());
        }
    });
}

void write_xlsx(const AnswersReport& report, const std::filesystem::path& path) {
    write_workbook(path, [&](SheetWriter& writer) {
        writer.write_answers(report);
        writer.write_summary(report);
    });
}

void write_plan_xlsx(const PlanReport& report, const std::filesystem::path& path) {
    write_workbook(path, [&](SheetWriter& writer) { writer.write_plan(report); });
}

}  // namespace dspt::report
