#include "http/detail/content_coding.hpp"

#include <string>
#include <utility>

#include "common/compression/content_coding.hpp"
#include "common/compression/zstd_codec.hpp"
#include "http/detail/exchange.hpp"

namespace dspt::http::detail {

namespace compression = dspt::compression;

namespace {

Response rejected(int status, ErrorCode code, std::string_view message) {
    Response response = error_response(status, code, message);
    response.route = kRejectedRoute;
    return response;
}

}  // namespace

std::optional<Response> decode_request_body(Request& request, std::size_t body_limit) {
    const auto header = request.headers.find(compression::kContentEncodingHeader);
    if (header == request.headers.end()) {
        return std::nullopt;
    }
    const auto coding = compression::parse_content_encoding(header->second);
    if (!coding) {
        Response response = rejected(
            415, ErrorCode::invalid_argument,
            "Content-Encoding \"" + header->second + "\" is not supported; send zstd or nothing");
        response.headers.emplace(compression::kAcceptEncodingHeader, compression::kZstdCoding);
        return response;
    }
    if (*coding == compression::ContentCoding::zstd) {
        try {
            request.body = compression::decompress(request.body, body_limit);
            request.body_digest.clear();  // it was of the compressed bytes
        } catch (const Error& e) {
            const bool too_large = e.code() == ErrorCode::limit_exceeded;
            return rejected(too_large ? 413 : 400, e.code(),
                            std::string(too_large ? "request body is over the limit: "
                                                  : "malformed request body: ") +
                                e.what());
        }
    }
    request.headers.erase(header);
    if (const auto length = request.headers.find("Content-Length");
        length != request.headers.end()) {
        length->second = std::to_string(request.body.size());
    }
    return std::nullopt;
}

void encode_response_body(const Request& request, Response& response) {
    if (response.body.size() < compression::kCompressMinBytes ||
        response.headers.contains(compression::kContentEncodingHeader)) {
        return;
    }
    auto& vary = response.headers["Vary"];
    vary = vary.empty() ? std::string(compression::kAcceptEncodingHeader)
                        : vary + ", " + std::string(compression::kAcceptEncodingHeader);
    if (!compression::accepts_zstd(request.header(compression::kAcceptEncodingHeader))) {
        return;
    }
    if (auto frame = compression::compress_body(response.body, response.content_type)) {
        response.body = std::move(*frame);
        response.headers.emplace(compression::kContentEncodingHeader, compression::kZstdCoding);
    }
}

}  // namespace dspt::http::detail
