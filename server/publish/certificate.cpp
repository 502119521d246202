#include "server/publish/certificate.hpp"

#include <algorithm>
#include <memory>

#include <cairo-pdf.h>
#include <cairo.h>

#include "common/error.hpp"
#include "common/standards/year.hpp"
#include "common/text.hpp"
#include "server/publish/public_register.hpp"

namespace dspt::server::publish {

namespace {

// The page, in points: A4 landscape.
constexpr double kPageWidth = 842;
constexpr double kPageHeight = 595;
constexpr double kTextWidth = 700;  // the widest a line of text may be
constexpr double kPngScale = 2;     // 72 points per inch -> 144 pixels per inch

constexpr const char* kFont = "DejaVu Sans";
constexpr std::size_t kMaxNameLines = 4;
constexpr std::size_t kMaxSiteLines = 4;

struct Colour {
    double r, g, b;
};
constexpr Colour kBlue{0.0, 0.369, 0.722};  // NHS blue, #005EB8
constexpr Colour kInk{0.114, 0.114, 0.106};
constexpr Colour kGrey{0.3, 0.3, 0.3};

std::size_t count_words(const std::vector<std::vector<std::string>>& lines) {
    std::size_t count = 0;
    for (const auto& line : lines) {
        count += line.size();
    }
    return count;
}

// Drawing on one page, with a cursor that moves down it.
class Page {
  public:
    explicit Page(cairo_t* cr) : cr_(cr) {}

    void font(double size, bool bold, Colour colour = kInk) {
        cairo_select_font_face(cr_, kFont, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr_, size);
        cairo_set_source_rgb(cr_, colour.r, colour.g, colour.b);
        size_ = size;
    }

    double width_of(const std::string& text) {
        cairo_text_extents_t extents;
        cairo_text_extents(cr_, text.c_str(), &extents);
        return extents.x_advance;
    }

    // Moves down by `gap` points plus the current font's size, then draws the line
    // centred.
    void centred(const std::string& text, double gap = 0) {
        y_ += gap + size_;
        cairo_move_to(cr_, (kPageWidth - width_of(text)) / 2, y_);
        cairo_show_text(cr_, text.c_str());
    }

    void skip(double points) { y_ += points; }
    // Puts the cursor `y` points down the page.
    void at(double y) { y_ = y; }

    // `words` broken into lines no wider than kTextWidth, at most `max_lines` of them;
    // a line holds at least one word, however wide. Words that do not fit are left out:
    // the caller compares the count placed with the words given.
    std::vector<std::vector<std::string>> wrapped(const std::vector<std::string>& words,
                                                  std::string_view separator,
                                                  std::size_t max_lines) {
        std::vector<std::vector<std::string>> lines;
        std::vector<std::string> line;
        for (const auto& word : words) {
            if (!line.empty() &&
                width_of(joined(line, separator) + std::string(separator) + word) > kTextWidth) {
                lines.push_back(std::move(line));
                line.clear();
                if (lines.size() == max_lines) {
                    return lines;
                }
            }
            line.push_back(word);
        }
        if (!line.empty()) {
            lines.push_back(std::move(line));
        }
        return lines;
    }

    // `text` cut (at a character boundary) until it and an ellipsis fit a line.
    std::string shortened(std::string text) {
        if (width_of(text) <= kTextWidth) {
            return text;
        }
        constexpr std::string_view kEllipsis = "\u2026";
        if (text.ends_with(kEllipsis)) {
            text.resize(text.size() - kEllipsis.size());
        }
        while (!text.empty() && width_of(text + std::string(kEllipsis)) > kTextWidth) {
            text.pop_back();
            while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) {
                text.pop_back();
            }
            if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) {
                text.pop_back();  // the lead byte of the sequence just cut
            }
        }
        return text + std::string(kEllipsis);
    }

  private:
    cairo_t* cr_;
    double size_ = 12;
    double y_ = 0;
};

std::vector<std::string> words_of(const std::string& text) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find(' ', start), text.size());
        if (end > start) {
            words.push_back(text.substr(start, end - start));
        }
        start = end + 1;
    }
    return words;
}

void draw(cairo_t* cr, const CertificateContent& content) {
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, kBlue.r, kBlue.g, kBlue.b);
    cairo_set_line_width(cr, 4);
    cairo_rectangle(cr, 20, 20, kPageWidth - 40, kPageHeight - 40);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, 28, 28, kPageWidth - 56, kPageHeight - 56);
    cairo_stroke(cr);

    Page page(cr);
    page.skip(40);
    page.font(24, true, kBlue);
    page.centred("Data Security and Protection Toolkit");
    page.font(15, false, kGrey);
    page.centred("Certificate of publication", 10);

    page.font(13, false);
    page.centred("This certifies that", 30);

    // The name: as large as fits on one line down to 18 points, then wrapped.
    const auto name = repair_utf8(content.organisation_name);
    double size = 30;
    page.font(size, true);
    while (size > 18 && page.width_of(name) > kTextWidth) {
        size -= 1;
        page.font(size, true);
    }
    const auto name_words = words_of(name);
    const auto name_lines = page.wrapped(name_words, " ", kMaxNameLines);
    for (std::size_t i = 0; i < name_lines.size(); ++i) {
        auto line = joined(name_lines[i], " ");
        const bool last = i + 1 == name_lines.size();
        line = page.shortened(last && count_words(name_lines) < name_words.size() ? line + "\u2026"
                                                                                  : line);
        page.centred(line, i == 0 ? 14 : 4);
    }
    page.font(13, false);
    page.centred("ODS code " + repair_utf8(content.organisation_ods), 10);

    page.centred("published its Data Security and Protection Toolkit assessment of the " +
                     content.year + " standards at",
                 22);
    page.font(34, true, kBlue);
    page.centred(std::string(standards::display_name(content.level)), 16);

    page.font(13, false);
    page.centred("Published " + long_date(content.published) + " (" +
                     content.published.to_string() + ")  \u00b7  Standards year " + content.year,
                 24);
    page.centred("Lapses on " + long_date(content.lapses) + " (" + content.lapses.to_string() +
                     ") unless a newer assessment is published",
                 6);

    if (!content.sites.empty()) {
        page.font(11, true, kGrey);
        page.centred(content.sites.size() == 1 ? "Site covered" : "Sites covered", 22);
        page.font(11, false, kGrey);
        std::vector<std::string> sites;
        for (const auto& site : content.sites) {
            sites.push_back(repair_utf8(site));
        }
        auto lines = page.wrapped(sites, ", ", kMaxSiteLines);
        std::vector<std::string> shown;
        for (const auto& line : lines) {
            shown.push_back(page.shortened(joined(line, ", ")));
        }
        // Sites the lines cannot hold are counted rather than cut: the last line gives
        // up sites until "and N more" fits after it.
        const auto more = [&] {
            std::string text = " and ";
            text += std::to_string(sites.size() - count_words(lines));
            text += " more";
            return text;
        };
        if (count_words(lines) < sites.size()) {
            auto& last = lines.back();
            while (last.size() > 1 && page.width_of(joined(last, ", ") + more()) > kTextWidth) {
                last.pop_back();
            }
            shown.back() = page.shortened(joined(last, ", ") + more());
        }
        for (std::size_t i = 0; i < shown.size(); ++i) {
            page.centred(shown[i], i == 0 ? 4 : 3);
        }
    }

    // The register page that confirms it, at the foot of the page, never cut short.
    const auto address = repair_utf8(content.register_address);
    const bool absolute = !address.starts_with("/");
    page.at(kPageHeight - 72);
    page.font(9, false, kGrey);
    page.centred(absolute ? "Confirm this certificate on the public register:"
                          : "Confirm this certificate on the public register of the server that "
                            "issued it, at the page");
    double address_size = 9;
    while (address_size > 5 && page.width_of(address) > kTextWidth) {
        address_size -= 0.5;
        page.font(address_size, false, kGrey);
    }
    // Past the smallest size, the address goes on as many lines as it needs.
    std::string rest = address;
    for (double gap = 4; !rest.empty(); gap = 2) {
        std::size_t fits = rest.size();
        while (fits > 1 && page.width_of(rest.substr(0, fits)) > kTextWidth) {
            --fits;
        }
        page.centred(rest.substr(0, fits), gap);
        rest.erase(0, fits);
    }
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

struct SurfaceDeleter {
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
    void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

void check(cairo_status_t status, std::string_view what) {
    if (status != CAIRO_STATUS_SUCCESS) {
        std::string message = "drawing the certificate's ";
        message += what;
        message += " failed: ";
        message += cairo_status_to_string(status);
        fail(ErrorCode::internal, std::move(message));
    }
}

}  // namespace

std::string_view content_type(CertificateFormat format) noexcept {
    return format == CertificateFormat::pdf ? "application/pdf" : "image/png";
}

std::string_view extension(CertificateFormat format) noexcept {
    return format == CertificateFormat::pdf ? "pdf" : "png";
}

std::optional<CertificateFile> parse_certificate_file(std::string_view file) {
    for (const auto format : {CertificateFormat::pdf, CertificateFormat::png}) {
        std::string suffix = ".";
        suffix += extension(format);
        if (file.size() > suffix.size() && file.ends_with(suffix)) {
            return CertificateFile{std::string(file.substr(0, file.size() - suffix.size())),
                                   format};
        }
    }
    return std::nullopt;
}

bool certificate_year_offered(std::string_view year, Date today) {
    const auto current = standards::year_on(today);
    return standards::is_valid_year(year) &&
           (year == current || year == standards::previous_year(current));
}

bool certificate_offered(standards::Level level, std::string_view year, Date today) {
    return (level == standards::Level::met || level == standards::Level::exceeded) &&
           certificate_year_offered(year, today);
}

const store::Publication& certificate_publication(
    const std::vector<store::Publication>& publications, std::string_view ods,
    std::string_view year, Date today, std::optional<std::string_view> site) {
    std::string none = "no certificate for ";
    none += site ? *site : ods;
    none += ' ';
    none += year;
    if (!standards::is_valid_year(year)) {
        fail(ErrorCode::not_found, none);
    }
    if (!certificate_year_offered(year, today)) {
        const auto current = standards::year_on(today);
        std::string message = "certificates are offered for the current and previous year only (";
        message += current;
        message += " and ";
        message += standards::previous_year(current).value_or("");
        message += ')';
        fail(ErrorCode::not_found, std::move(message));
    }
    const store::Publication* chosen = nullptr;
    bool approaching = false;
    for (const auto& publication : publications) {
        if (publication.year != year ||
            (site && std::find(publication.sites.begin(), publication.sites.end(), *site) ==
                         publication.sites.end())) {
            continue;
        }
        if (publication.level == standards::Level::approaching) {
            approaching = true;
            continue;
        }
        if (!certificate_offered(publication.level, year, today)) {
            continue;
        }
        if (!chosen || publication.published_at_ms > chosen->published_at_ms ||
            (publication.published_at_ms == chosen->published_at_ms &&
             publication.id > chosen->id)) {
            chosen = &publication;
        }
    }
    if (!chosen) {
        if (approaching) {
            none += ": its ";
            none += year;
            none +=
                " publication is at Approaching Standards, and certificates are issued for "
                "Standards Met and Standards Exceeded only";
        }
        fail(ErrorCode::not_found, std::move(none));
    }
    return *chosen;
}

std::string render_certificate(const CertificateContent& content, CertificateFormat format) {
    std::string out;
    if (format == CertificateFormat::pdf) {
        const Surface surface(
            cairo_pdf_surface_create_for_stream(append_to_string, &out, kPageWidth, kPageHeight));
        check(cairo_surface_status(surface.get()), "PDF surface");
        const auto title =
            "DSPT certificate: " + repair_utf8(content.organisation_name) + " " + content.year;
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "dsptsync");
        {
            const Context cr(cairo_create(surface.get()));
            draw(cr.get(), content);
            check(cairo_status(cr.get()), "page");
        }
        cairo_surface_finish(surface.get());  // writes the one page and the trailer
        check(cairo_surface_status(surface.get()), "PDF");
        return out;
    }
    const Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                                     static_cast<int>(kPageWidth * kPngScale),
                                                     static_cast<int>(kPageHeight * kPngScale)));
    check(cairo_surface_status(surface.get()), "image surface");
    {
        const Context cr(cairo_create(surface.get()));
        cairo_scale(cr.get(), kPngScale, kPngScale);
        draw(cr.get(), content);
        check(cairo_status(cr.get()), "page");
    }
    check(cairo_surface_write_to_png_stream(surface.get(), append_to_string, &out), "PNG");
    return out;
}

}  // namespace dspt::server::publish
