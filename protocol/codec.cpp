#include "protocol/codec.hpp"

#include <ostream>
#include <streambuf>
#include <string>
#include <utility>

#include <cereal/archives/portable_binary.hpp>

#include "common/error.hpp"
#include "protocol/detail/bounded_input_archive.hpp"
#include "protocol/message_list.hpp"
#include "protocol/version.hpp"

namespace dspt::protocol {

namespace {

constexpr std::size_t kVersionOffset = 4;
constexpr std::size_t kTypeOffset = 6;
constexpr std::size_t kLengthOffset = 8;

void append_big_endian(std::string& out, std::uint32_t value, std::size_t bytes) {
    for (std::size_t i = bytes; i-- > 0;) {
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xFFu));
    }
}

std::uint32_t read_big_endian(std::string_view bytes, std::size_t offset, std::size_t size) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < size; ++i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
    }
    return value;
}

void put_big_endian(std::string& out, std::size_t offset, std::uint32_t value, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) {
        out[offset + i] = static_cast<char>((value >> (8 * (bytes - 1 - i))) & 0xFFu);
    }
}

// Appends what is written through it to a string.
class AppendingBuffer final : public std::streambuf {
  public:
    void target(std::string* out) noexcept { out_ = out; }

  protected:
    int_type overflow(int_type c) override {
        if (out_ == nullptr) {
            return traits_type::eof();
        }
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            out_->push_back(traits_type::to_char_type(c));
        }
        return traits_type::not_eof(c);
    }

    std::streamsize xsputn(const char* data, std::streamsize count) override {
        if (out_ == nullptr) {
            return 0;
        }
        out_->append(data, static_cast<std::size_t>(count));
        return count;
    }

  private:
    std::string* out_ = nullptr;
};

// A stream that writes a message's payload straight after its envelope header,
// made once per thread: building a std::ostream (its locale) cost more than
// encoding a small message.
class PayloadStream {
  public:
    // Whether the stream is in use on this thread (an encode within an encode).
    bool busy() const noexcept { return busy_; }

    // Sends what is written to `stream()` to the end of `out`, until the
    // returned guard goes.
    auto into(std::string& out) {
        busy_ = true;
        buffer_.target(&out);
        stream_.clear();
        struct Release {
            PayloadStream* self;
            ~Release() {
                self->buffer_.target(nullptr);
                self->busy_ = false;
            }
        };
        return Release{this};
    }

    std::ostream& stream() noexcept { return stream_; }

  private:
    AppendingBuffer buffer_;
    std::ostream stream_{&buffer_};
    bool busy_ = false;
};

// Cereal's archive over `stream`, writing `message`.
template <Message T>
void write_payload(std::ostream& stream, const T& message) {
    // Little-endian whatever the host, so the bytes are the same everywhere.
    cereal::PortableBinaryOutputArchive archive(
        stream, cereal::PortableBinaryOutputArchive::Options::LittleEndian());
    archive(message);
}

std::string describe(MessageType type) {
    const std::string_view name = to_string(type);
    if (!name.empty()) {
        return std::string(name);
    }
    return "an unknown message type " + std::to_string(static_cast<unsigned>(type));
}

}  // namespace

EnvelopeHeader read_header(std::string_view bytes, std::size_t max_bytes) {
    if (bytes.size() > max_bytes) {
        fail(ErrorCode::limit_exceeded, "a message of " + std::to_string(bytes.size()) +
                                            " bytes is over the limit of " +
                                            std::to_string(max_bytes) + " bytes");
    }
    // The magic first, on whatever arrived: a short body that is not ours at all
    // (an HTML error page, "{}") is better reported as such than as truncated.
    if (bytes.substr(0, kMagic.size()) != kMagic.substr(0, bytes.size())) {
        fail(ErrorCode::protocol, "not a dsptsync message (it does not start with \"DSPT\")");
    }
    if (bytes.size() < kEnvelopeHeaderBytes) {
        fail(ErrorCode::protocol, "truncated header: " + std::to_string(bytes.size()) + " of " +
                                      std::to_string(kEnvelopeHeaderBytes) + " bytes");
    }
    EnvelopeHeader header;
    header.version = static_cast<std::uint16_t>(read_big_endian(bytes, kVersionOffset, 2));
    if (!is_supported_version(header.version)) {
        fail(ErrorCode::protocol, "protocol version " + std::to_string(header.version) +
                                      " is not supported; this build speaks " +
                                      std::to_string(kMinProtocolVersion) + " to " +
                                      std::to_string(kProtocolVersion));
    }
    header.type = static_cast<MessageType>(read_big_endian(bytes, kTypeOffset, 2));
    header.payload_bytes = read_big_endian(bytes, kLengthOffset, 4);
    return header;
}

template <Message T>
std::string encode(const T& message) {
    std::string out;
    out.reserve(kEnvelopeHeaderBytes + 120);
    out.append(kMagic);
    append_big_endian(out, kProtocolVersion, 2);
    append_big_endian(out, static_cast<std::uint16_t>(T::kType), 2);
    append_big_endian(out, 0, 4);  // the payload's length, once known
    thread_local PayloadStream payload;
    if (payload.busy()) {
        AppendingBuffer buffer;
        buffer.target(&out);
        std::ostream stream(&buffer);
        write_payload(stream, message);
    } else {
        const auto writing = payload.into(out);
        write_payload(payload.stream(), message);
    }
    const std::size_t payload_bytes = out.size() - kEnvelopeHeaderBytes;
    if (payload_bytes > kMaxMessageBytes - kEnvelopeHeaderBytes) {
        fail(ErrorCode::limit_exceeded, std::string(T::kName) + " of " +
                                            std::to_string(payload_bytes) +
                                            " bytes is over the message limit of " +
                                            std::to_string(kMaxMessageBytes) + " bytes");
    }
    put_big_endian(out, kLengthOffset, static_cast<std::uint32_t>(payload_bytes), 4);
    return out;
}

template <Message T>
T decode(std::string_view bytes, std::size_t max_bytes) {
    const EnvelopeHeader header = read_header(bytes, max_bytes);
    if (header.type != T::kType) {
        fail(ErrorCode::protocol,
             "expected " + std::string(T::kName) + ", got " + describe(header.type));
    }
    const std::string_view payload = bytes.substr(kEnvelopeHeaderBytes);
    if (header.payload_bytes > payload.size()) {
        fail(ErrorCode::protocol, "truncated payload: the header declares " +
                                      std::to_string(header.payload_bytes) + " bytes, " +
                                      std::to_string(payload.size()) + " arrived");
    }
    if (header.payload_bytes < payload.size()) {
        fail(ErrorCode::protocol, "trailing bytes after the payload: the header declares " +
                                      std::to_string(header.payload_bytes) + " bytes, " +
                                      std::to_string(payload.size()) + " arrived");
    }

    T message;
    try {
        detail::BoundedInputArchive archive(payload);
        archive(message);
        if (archive.remaining() != 0) {
            fail(ErrorCode::protocol,
                 std::to_string(archive.remaining()) + " unread bytes after the message");
        }
    } catch (const Error& e) {
        if (e.code() != ErrorCode::protocol) {
            throw;
        }
        fail(ErrorCode::protocol,
             "malformed " + std::string(T::kName) + " payload: " + std::string(e.what()));
    } catch (const cereal::Exception& e) {
        fail(ErrorCode::protocol,
             "malformed " + std::string(T::kName) + " payload: " + std::string(e.what()));
    }
    return message;
}

// The only instantiations: one pair per message in AllMessages.
#define DSPT_PROTOCOL_INSTANTIATE(T)                  \
    template std::string encode<T>(const T& message); \
    template T decode<T>(std::string_view bytes, std::size_t max_bytes);

DSPT_PROTOCOL_INSTANTIATE(EnrolRequest)
DSPT_PROTOCOL_INSTANTIATE(EnrolResponse)
DSPT_PROTOCOL_INSTANTIATE(Identity)
DSPT_PROTOCOL_INSTANTIATE(InviteRequest)
DSPT_PROTOCOL_INSTANTIATE(InviteResponse)
DSPT_PROTOCOL_INSTANTIATE(InviteView)
DSPT_PROTOCOL_INSTANTIATE(InviteList)
DSPT_PROTOCOL_INSTANTIATE(KeyEnvelope)
DSPT_PROTOCOL_INSTANTIATE(SiteInfo)
DSPT_PROTOCOL_INSTANTIATE(OrganisationView)
DSPT_PROTOCOL_INSTANTIATE(GrantRequest)
DSPT_PROTOCOL_INSTANTIATE(GrantView)
DSPT_PROTOCOL_INSTANTIATE(GrantList)
DSPT_PROTOCOL_INSTANTIATE(PushRequest)
DSPT_PROTOCOL_INSTANTIATE(PushResponse)
DSPT_PROTOCOL_INSTANTIATE(PullResponse)
DSPT_PROTOCOL_INSTANTIATE(BlobStatus)
DSPT_PROTOCOL_INSTANTIATE(SyncRequest)
DSPT_PROTOCOL_INSTANTIATE(SyncResponse)
DSPT_PROTOCOL_INSTANTIATE(PublishRequest)
DSPT_PROTOCOL_INSTANTIATE(PublishResponse)
DSPT_PROTOCOL_INSTANTIATE(PublicationList)
DSPT_PROTOCOL_INSTANTIATE(SyncHealth)
DSPT_PROTOCOL_INSTANTIATE(ProgressReport)
DSPT_PROTOCOL_INSTANTIATE(WebLoginLink)
DSPT_PROTOCOL_INSTANTIATE(SessionRequest)
DSPT_PROTOCOL_INSTANTIATE(SessionOffer)
DSPT_PROTOCOL_INSTANTIATE(PartnerGroupRequest)
DSPT_PROTOCOL_INSTANTIATE(PartnerSummary)

#undef DSPT_PROTOCOL_INSTANTIATE

// A message added to AllMessages but not above fails here, not at link time.
static_assert(std::tuple_size_v<AllMessages> == 29,
              "instantiate encode/decode for every message in AllMessages");

}  // namespace dspt::protocol
