#include "common/csv_reader.hpp"

#include "common/error.hpp"

namespace dspt {

namespace {

class CsvReader {
  public:
    CsvReader(std::string_view text, std::string_view origin, ErrorCode error)
        : text_(text), origin_(origin), error_(error) {
        if (text_.starts_with("\xEF\xBB\xBF")) {
            pos_ = 3;
        }
    }

    std::vector<CsvRecord> read() {
        std::vector<CsvRecord> records;
        while (pos_ < text_.size()) {
            CsvRecord record{line_, {}};
            while (true) {
                record.fields.push_back(at('"') ? quoted_field(record.line) : plain_field());
                if (!at(',')) {
                    break;
                }
                ++pos_;
            }
            end_of_line();
            records.push_back(std::move(record));
        }
        return records;
    }

  private:
    bool at(char c) const noexcept { return pos_ < text_.size() && text_[pos_] == c; }
    bool at_end_of_field() const noexcept {
        return pos_ >= text_.size() || at(',') || at_line_break();
    }
    bool at_line_break() const noexcept { return at('\r') || at('\n'); }

    // Consumes CRLF, LF or CR and counts the line.
    void end_of_line() noexcept {
        if (at('\r')) {
            ++pos_;
        }
        if (at('\n')) {
            ++pos_;
        }
        ++line_;
    }

    std::string plain_field() {
        const std::size_t start = pos_;
        while (!at_end_of_field()) {
            ++pos_;
        }
        return std::string(text_.substr(start, pos_ - start));
    }

    std::string quoted_field(std::size_t record_line) {
        std::string field;
        ++pos_;  // opening quote
        while (true) {
            if (pos_ >= text_.size()) {
                fail_at(record_line, "unterminated quoted field");
            }
            if (at('"')) {
                ++pos_;
                if (!at('"')) {
                    break;  // the closing quote
                }
                field += '"';
                ++pos_;
            } else if (at_line_break()) {
                end_of_line();
                field += '\n';
            } else {
                field += text_[pos_++];
            }
        }
        if (!at_end_of_field()) {
            fail_at(record_line, "unexpected text after a closing quote");
        }
        return field;
    }

    [[noreturn]] void fail_at(std::size_t line, std::string_view reason) const {
        fail(error_,
             std::string(origin_) + ":" + std::to_string(line) + ": " + std::string(reason));
    }

    std::string_view text_;
    std::string_view origin_;
    ErrorCode error_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

}  // namespace

std::vector<CsvRecord> read_csv(std::string_view text, std::string_view origin, ErrorCode error) {
    return CsvReader(text, origin, error).read();
}

}  // namespace dspt
