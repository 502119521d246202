#include "common/report/xlsx_reader.hpp"

#include <cstdint>
#include <optional>
#include <utility>

#include "common/date.hpp"
#include "common/error.hpp"
#include "common/report/zip_archive.hpp"

namespace dspt::report {

namespace {

constexpr std::size_t kMaxColumns = 16'384;  // XFD
constexpr std::size_t kMaxRows = 1'048'576;  // Excel's last row

// One tag of an XML part; text() is what came between the previous tag and it.
struct Tag {
    std::string_view name;   // without its namespace prefix
    std::string_view attrs;  // the raw attributes
    bool closing = false;    // </name>
    bool empty = false;      // <name ... />
};

// Reads the tags of an XML part in order. Enough XML for the parts Excel
// writes: elements, attributes, text, comments, processing instructions and
// the document type are skipped; CDATA is taken as text.
class XmlScanner {
  public:
    XmlScanner(std::string_view xml, const std::string& what) : xml_(xml), what_(what) {}

    bool next() {
        text_start_ = at_;
        for (;;) {
            const auto open = xml_.find('<', at_);
            if (open == std::string_view::npos) {
                return false;
            }
            text_end_ = open;
            const auto rest = xml_.substr(open);
            if (rest.starts_with("<!--")) {
                at_ = skip_past(open, "-->");
                continue;
            }
            if (rest.starts_with("<![CDATA[")) {
                fail_here("CDATA sections are not read");
            }
            if (rest.starts_with("<?") || rest.starts_with("<!")) {
                at_ = skip_past(open, ">");
                continue;
            }
            const auto close = xml_.find('>', open);
            if (close == std::string_view::npos) {
                fail_here("a tag is not closed (the part is cut short)");
            }
            auto body = xml_.substr(open + 1, close - open - 1);
            tag_ = Tag{};
            if (body.starts_with("/")) {
                tag_.closing = true;
                body.remove_prefix(1);
            }
            if (body.ends_with("/")) {
                tag_.empty = true;
                body.remove_suffix(1);
            }
            const auto name_end = body.find_first_of(" \t\r\n");
            auto name = body.substr(0, name_end);
            if (const auto colon = name.find(':'); colon != std::string_view::npos) {
                name.remove_prefix(colon + 1);
            }
            tag_.name = name;
            tag_.attrs = name_end == std::string_view::npos ? "" : body.substr(name_end);
            at_ = close + 1;
            return true;
        }
    }

    const Tag& tag() const noexcept { return tag_; }
    bool is_open(std::string_view name) const noexcept {
        return !tag_.closing && tag_.name == name;
    }
    bool is_close(std::string_view name) const noexcept {
        return (tag_.closing || tag_.empty) && tag_.name == name;
    }

    // The text before the current tag, with its entities decoded.
    std::string text() const { return decode(xml_.substr(text_start_, text_end_ - text_start_)); }

    // The value of attribute `name` (matched exactly, prefix included), decoded.
    std::optional<std::string> attribute(std::string_view name) const {
        auto attrs = tag_.attrs;
        for (;;) {
            const auto eq = attrs.find('=');
            if (eq == std::string_view::npos) {
                return std::nullopt;
            }
            auto key = attrs.substr(0, eq);
            while (!key.empty() && (key.front() == ' ' || key.front() == '\t' ||
                                    key.front() == '\r' || key.front() == '\n')) {
                key.remove_prefix(1);
            }
            while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) {
                key.remove_suffix(1);
            }
            auto rest = attrs.substr(eq + 1);
            while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) {
                rest.remove_prefix(1);
            }
            if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) {
                fail_here("an attribute value is not quoted");
            }
            const auto end = rest.find(rest.front(), 1);
            if (end == std::string_view::npos) {
                fail_here("an attribute value is not closed");
            }
            if (key == name) {
                return decode(rest.substr(1, end - 1));
            }
            attrs = rest.substr(end + 1);
        }
    }

    const std::string& what() const noexcept { return what_; }

    [[noreturn]] void fail_here(const std::string& reason) const {
        fail(ErrorCode::invalid_argument, what_ + ": " + reason);
    }

  private:
    std::size_t skip_past(std::size_t from, std::string_view end) const {
        const auto found = xml_.find(end, from);
        if (found == std::string_view::npos) {
            fail_here("the part is cut short");
        }
        return found + end.size();
    }

    static void append_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    std::string decode(std::string_view raw) const {
        std::string out;
        out.reserve(raw.size());
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '&') {
                out += raw[i];
                continue;
            }
            const auto semi = raw.find(';', i);
            if (semi == std::string_view::npos || semi - i > 10) {
                fail_here("an unfinished character reference");
            }
            const auto name = raw.substr(i + 1, semi - i - 1);
            i = semi;
            if (name == "amp") {
                out += '&';
            } else if (name == "lt") {
                out += '<';
            } else if (name == "gt") {
                out += '>';
            } else if (name == "quot") {
                out += '"';
            } else if (name == "apos") {
                out += '\'';
            } else if (name.size() >= 2 && name[0] == '#') {
                const bool hex = name[1] == 'x' || name[1] == 'X';
                const auto digits = name.substr(hex ? 2 : 1);
                std::uint32_t cp = 0;
                if (digits.empty()) {
                    fail_here("an empty character reference");
                }
                for (const char c : digits) {
                    int d = -1;
                    if (c >= '0' && c <= '9') {
                        d = c - '0';
                    } else if (hex && c >= 'a' && c <= 'f') {
                        d = c - 'a' + 10;
                    } else if (hex && c >= 'A' && c <= 'F') {
                        d = c - 'A' + 10;
                    }
                    if (d < 0 || cp > 0x10FFFF) {
                        fail_here("a malformed character reference");
                    }
                    cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
                }
                if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                    fail_here("a character reference to no character");
                }
                append_utf8(out, cp);
            } else {
                fail_here("an unknown entity &" + std::string(name) + ";");
            }
        }
        return out;
    }

    std::string_view xml_;
    const std::string& what_;
    std::size_t at_ = 0;
    std::size_t text_start_ = 0;
    std::size_t text_end_ = 0;
    Tag tag_;
};

std::string part(ZipArchive& zip, const std::string& origin, const std::string& name) {
    auto content = zip.read(name);
    if (!content) {
        fail(ErrorCode::invalid_argument,
             origin + ": not an Excel workbook (it has no " + name + ")");
    }
    return std::move(*content);
}

std::vector<std::string> shared_strings(ZipArchive& zip, const std::string& origin) {
    std::vector<std::string> strings;
    const auto xml = zip.read("xl/sharedStrings.xml");
    if (!xml) {
        return strings;  // a workbook of numbers only, or of inline strings
    }
    const std::string what = origin + ": xl/sharedStrings.xml";
    XmlScanner scan(*xml, what);
    std::optional<std::string> current;
    bool phonetic = false;
    while (scan.next()) {
        if (scan.is_open("si")) {
            current = std::string();
        }
        if (scan.tag().name == "rPh") {
            phonetic = !scan.tag().closing && !scan.tag().empty;
        }
        if (current && !phonetic && scan.tag().closing && scan.tag().name == "t") {
            *current += scan.text();
        }
        if (current && scan.is_close("si")) {
            if (strings.size() == kMaxSharedStrings) {
                fail(ErrorCode::limit_exceeded,
                     what + ": more than " + std::to_string(kMaxSharedStrings) + " shared strings");
            }
            strings.push_back(std::move(*current));
            current.reset();
        }
    }
    return strings;
}

// Whether a number format shows a date: one of Excel's built-in date formats,
// or a format code with a day or year part outside quoted text, escapes and
// [brackets] ("DD/MM/YYYY", "d mmm yyyy"; "h:mm" and "0.00" are not dates).
bool date_format(std::size_t id, std::string_view code) {
    if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) {
        return true;
    }
    bool quoted = false;
    bool bracket = false;
    for (std::size_t i = 0; i < code.size(); ++i) {
        const char c = code[i];
        if (quoted) {
            quoted = c != '"';
        } else if (bracket) {
            bracket = c != ']';
        } else if (c == '"') {
            quoted = true;
        } else if (c == '[') {
            bracket = true;
        } else if (c == '\\' || c == '_' || c == '*') {
            ++i;  // the next character is literal, or padding
        } else if (c == 'd' || c == 'D' || c == 'y' || c == 'Y') {
            return true;
        }
    }
    return false;
}

std::size_t small_number(std::string_view text) {
    std::size_t n = 0;
    if (text.empty() || text.size() > 9) {
        return static_cast<std::size_t>(-1);
    }
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return static_cast<std::size_t>(-1);
        }
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
}

// For each cell format of xl/styles.xml (a cell's s="N"), whether it shows a
// date. A workbook without styles has no dates.
std::vector<bool> date_styles(ZipArchive& zip, const std::string& origin) {
    std::vector<bool> dates;
    const auto xml = zip.read("xl/styles.xml");
    if (!xml) {
        return dates;
    }
    XmlScanner scan(*xml, origin + ": xl/styles.xml");
    std::vector<std::pair<std::size_t, std::string>> codes;  // numFmtId, formatCode
    bool in_cell_xfs = false;
    while (scan.next()) {
        if (scan.is_open("numFmt")) {
            codes.emplace_back(small_number(scan.attribute("numFmtId").value_or("")),
                               scan.attribute("formatCode").value_or(""));
        } else if (scan.tag().name == "cellXfs") {
            in_cell_xfs = !scan.tag().closing && !scan.tag().empty;
        } else if (in_cell_xfs && scan.is_open("xf")) {
            if (dates.size() == kMaxSheets * 256) {
                scan.fail_here("too many cell formats");
            }
            const auto id = small_number(scan.attribute("numFmtId").value_or("0"));
            std::string_view code;
            for (const auto& [custom, text] : codes) {
                if (custom == id) {
                    code = text;
                }
            }
            dates.push_back(date_format(id, code));
        }
    }
    return dates;
}

// Whether the workbook counts its dates from 1904 (old Mac Excel) rather than 1900.
bool counts_from_1904(std::string_view workbook) {
    const auto at = workbook.find("date1904=");
    if (at == std::string_view::npos) {
        return false;
    }
    const auto value = workbook.substr(at + 10, 4);
    return value.starts_with("1") || value.starts_with("true");
}

// A date serial number as YYYY-MM-DD (the time of day dropped), or nullopt
// when `text` is not a serial of a date from 1900 to 9999.
std::optional<std::string> serial_date(std::string_view text, bool from_1904) {
    std::int64_t serial = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        serial = serial * 10 + (text[i] - '0');
        if (serial > 2'958'465) {
            return std::nullopt;
        }
    }
    if (i == 0 || (i < text.size() && text[i] != '.')) {
        return std::nullopt;
    }
    for (std::size_t j = i + 1; j < text.size(); ++j) {
        if (text[j] < '0' || text[j] > '9') {
            return std::nullopt;
        }
    }
    namespace chrono = std::chrono;
    chrono::sys_days day;
    if (from_1904) {
        day = chrono::sys_days(chrono::year{1904} / chrono::January / 1) + chrono::days(serial);
    } else if (serial == 0) {
        return std::nullopt;
    } else {
        // Excel counts 29 February 1900, which never was, as day 60.
        day = chrono::sys_days(chrono::year{1899} / chrono::December / (serial < 60 ? 31 : 30)) +
              chrono::days(serial);
    }
    return Date::from_days(day).to_string();
}

// The 0-based column of a reference such as "AB12".
std::size_t column_of(std::string_view ref, const XmlScanner& scan) {
    std::size_t column = 0;
    std::size_t letters = 0;
    while (letters < ref.size() && ref[letters] >= 'A' && ref[letters] <= 'Z') {
        column = column * 26 + static_cast<std::size_t>(ref[letters] - 'A' + 1);
        if (++letters > 3) {
            break;
        }
    }
    const auto digits = ref.substr(letters);
    bool row_ok = !digits.empty() && digits.size() <= 7;
    for (const char c : digits) {
        row_ok = row_ok && c >= '0' && c <= '9';
    }
    if (letters == 0 || column > kMaxColumns || !row_ok) {
        scan.fail_here("cell reference \"" + std::string(ref.substr(0, 12)) +
                       "\" is not within A1 to XFD1048576");
    }
    return column - 1;
}

std::size_t row_number(std::string_view text, const XmlScanner& scan) {
    std::size_t n = 0;
    for (const char c : text) {
        if (c < '0' || c > '9' || n > kMaxRows) {
            scan.fail_here("row number \"" + std::string(text.substr(0, 12)) + "\" is malformed");
        }
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (n == 0 || n > kMaxRows) {
        scan.fail_here("row number \"" + std::string(text.substr(0, 12)) +
                       "\" is not from 1 to 1048576");
    }
    return n;
}

class SheetReader {
  public:
    SheetReader(const std::vector<std::string>& strings, const std::vector<bool>& dates,
                bool from_1904, std::size_t& cells_left)
        : strings_(strings), dates_(dates), from_1904_(from_1904), cells_left_(cells_left) {}

    std::vector<SheetRow> read(std::string_view xml, const std::string& what) {
        XmlScanner scan(xml, what);
        std::vector<SheetRow> rows;
        while (scan.next()) {
            const auto& tag = scan.tag();
            if (scan.is_open("row")) {
                const auto r = scan.attribute("r");
                const auto number = r ? row_number(*r, scan) : last_row_ + 1;
                if (number <= last_row_ || number > kMaxRows) {
                    scan.fail_here("rows are out of order at row " + std::to_string(number));
                }
                last_row_ = number;
                next_column_ = 0;
                take_cells(1, scan);  // a row costs as a cell does
                rows.push_back({number, {}});
                in_row_ = !tag.empty;
            } else if (scan.is_close("row")) {
                in_row_ = false;
            } else if (in_row_ && scan.is_open("c")) {
                const auto r = scan.attribute("r");
                column_ = r ? column_of(*r, scan) : next_column_;
                if (column_ >= kMaxColumns) {
                    scan.fail_here("a cell lies beyond column XFD");
                }
                next_column_ = column_ + 1;
                type_ = scan.attribute("t").value_or("n");
                const auto style = small_number(scan.attribute("s").value_or("0"));
                date_ = style < dates_.size() && dates_[style];
                value_.clear();
                in_cell_ = !tag.empty;
                in_inline_ = false;
                phonetic_ = false;
            } else if (in_cell_ && tag.name == "is") {
                in_inline_ = !tag.closing && !tag.empty;
            } else if (in_cell_ && tag.name == "rPh") {
                phonetic_ = !tag.closing && !tag.empty;
            } else if (in_cell_ && tag.closing && tag.name == "v") {
                value_ = scan.text();
            } else if (in_cell_ && in_inline_ && !phonetic_ && tag.closing && tag.name == "t") {
                value_ += scan.text();
            } else if (in_cell_ && scan.is_close("c")) {
                in_cell_ = false;
                store(rows.back(), scan);
            }
        }
        return rows;
    }

  private:
    void store(SheetRow& row, const XmlScanner& scan) {
        std::string text;
        if (type_ == "s") {
            std::size_t index = 0;
            bool ok = !value_.empty() && value_.size() <= 9;
            for (const char c : value_) {
                ok = ok && c >= '0' && c <= '9';
                index = ok ? index * 10 + static_cast<std::size_t>(c - '0') : 0;
            }
            if (!ok || index >= strings_.size()) {
                scan.fail_here("a cell points to shared string \"" + value_.substr(0, 12) +
                               "\", which the workbook does not have");
            }
            text = strings_[index];
        } else if (type_ == "b") {
            text = value_ == "1" ? "TRUE" : value_ == "0" ? "FALSE" : value_;
        } else if (const auto date =
                       type_ == "n" && date_ ? serial_date(value_, from_1904_) : std::nullopt) {
            text = *date;
        } else {
            text = std::move(value_);
        }
        if (text.empty()) {
            return;
        }
        if (row.cells.size() <= column_) {
            take_cells(column_ + 1 - row.cells.size(), scan);
            row.cells.resize(column_ + 1);
        }
        row.cells[column_] = std::move(text);
    }

    void take_cells(std::size_t count, const XmlScanner& scan) {
        if (count > cells_left_) {
            fail(ErrorCode::limit_exceeded, scan.what() + ": the workbook has more than " +
                                                std::to_string(kMaxSheetCells) +
                                                " cells and rows; it is not an item list");
        }
        cells_left_ -= count;
    }

    const std::vector<std::string>& strings_;
    const std::vector<bool>& dates_;
    bool from_1904_ = false;
    std::size_t& cells_left_;
    std::size_t last_row_ = 0;
    std::size_t next_column_ = 0;
    std::size_t column_ = 0;
    std::string type_;
    std::string value_;
    bool in_row_ = false;
    bool in_cell_ = false;
    bool in_inline_ = false;
    bool phonetic_ = false;
    bool date_ = false;
};

// The archive path of the part a relationship target names, from xl/.
std::string part_path(std::string_view target) {
    if (target.starts_with("/")) {
        return std::string(target.substr(1));
    }
    return "xl/" + std::string(target);
}

}  // namespace

bool looks_like_zip(std::string_view bytes) noexcept {
    return bytes.starts_with(std::string_view("PK\x03\x04", 4));
}

std::vector<Sheet> read_xlsx(std::string_view bytes, std::string_view origin_view) {
    const std::string origin(origin_view);
    ZipArchive zip(bytes, origin);
    const auto workbook = part(zip, origin, "xl/workbook.xml");
    const auto rels = part(zip, origin, "xl/_rels/workbook.xml.rels");

    std::vector<std::pair<std::string, std::string>> targets;  // relationship id, target
    {
        XmlScanner scan(rels, origin + ": xl/_rels/workbook.xml.rels");
        while (scan.next()) {
            if (scan.is_open("Relationship")) {
                targets.emplace_back(scan.attribute("Id").value_or(""),
                                     scan.attribute("Target").value_or(""));
            }
        }
    }
    const auto strings = shared_strings(zip, origin);
    const auto dates = date_styles(zip, origin);
    const bool from_1904 = counts_from_1904(workbook);
    std::size_t cells_left = kMaxSheetCells;
    std::vector<Sheet> sheets;
    XmlScanner scan(workbook, origin + ": xl/workbook.xml");
    while (scan.next()) {
        if (!scan.is_open("sheet")) {
            continue;
        }
        if (sheets.size() == kMaxSheets) {
            fail(ErrorCode::limit_exceeded,
                 origin + ": more than " + std::to_string(kMaxSheets) + " sheets");
        }
        Sheet sheet;
        sheet.name = scan.attribute("name").value_or("");
        const auto id = scan.attribute("r:id").value_or("");
        std::string path;
        for (const auto& [rel, target] : targets) {
            if (rel == id) {
                path = part_path(target);
            }
        }
        if (path.empty()) {
            scan.fail_here("sheet \"" + sheet.name + "\" names no part of the workbook");
        }
        const auto xml = part(zip, origin, path);
        sheet.rows =
            SheetReader(strings, dates, from_1904, cells_left).read(xml, origin + ": " + path);
        sheets.push_back(std::move(sheet));
    }
    if (sheets.empty()) {
        fail(ErrorCode::invalid_argument, origin + ": the workbook has no sheets");
    }
    return sheets;
}

}  // namespace dspt::report
