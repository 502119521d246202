#include "server/web/web_sign_in.hpp"

#include "common/crypto/blake2b.hpp"
#include "common/crypto/encoding.hpp"
#include "common/crypto/random.hpp"
#include "common/error.hpp"
#include "common/standards/year.hpp"

namespace dspt::server::web {

namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kMaxSecretChars = 64;  // longer text is no secret of ours

std::string new_secret() {
    return crypto::to_base64(crypto::random_bytes(kSecretBytes));
}

crypto::Bytes hash_of(std::string_view secret) {
    return crypto::blake2b(crypto::as_byte_view(secret), store::kWebHashBytes);
}

}  // namespace

IssuedLink WebSignIn::issue(const store::Device& device, std::string_view year,
                            std::int64_t now_ms) const {
    if (!standards::is_valid_year(year)) {
        fail(ErrorCode::invalid_argument,
             "a standards year is written like 2025-26, not \"" + std::string(year) + "\"");
    }
    IssuedLink issued{new_secret(), now_ms + kLoginLinkLifetimeMs};
    store::LoginLink link;
    link.secret_hash = hash_of(issued.secret);
    link.device_id = device.id;
    link.year = std::string(year);
    link.created_at_ms = now_ms;
    link.expires_at_ms = issued.expires_at_ms;
    repository_.create_login_link(link);
    return issued;
}

OpenedSession WebSignIn::open(std::string_view secret, std::int64_t now_ms) const {
    if (secret.empty() || secret.size() > kMaxSecretChars) {
        return {};
    }
    OpenedSession opened;
    opened.session_id = new_secret();
    auto result = repository_.open_login_link(hash_of(secret), hash_of(opened.session_id), now_ms,
                                              now_ms + kWebSessionLifetimeMs);
    opened.outcome = result.outcome;
    if (result.outcome != store::LinkOutcome::opened) {
        opened.session_id.clear();
        return opened;
    }
    opened.session = std::move(result.session);
    return opened;
}

SignedIn WebSignIn::signed_in(std::string_view session_id, std::int64_t now_ms) const {
    if (session_id.empty() || session_id.size() > kMaxSecretChars) {
        fail(ErrorCode::unauthenticated, "you are not signed in");
    }
    auto session = repository_.find_web_session(hash_of(session_id));
    if (!session || !session->live_at(now_ms)) {
        fail(ErrorCode::unauthenticated, "your session has ended: sign in again");
    }
    auto device = repository_.find_device(session->device_id);
    if (!device || device->revoked()) {
        fail(ErrorCode::unauthenticated,
             "the device this session came from has been revoked: sign in from another device");
    }
    return {std::move(*device), std::move(*session)};
}

bool WebSignIn::sign_out(std::string_view session_id, std::int64_t now_ms) const {
    if (session_id.empty() || session_id.size() > kMaxSecretChars) {
        return false;
    }
    return repository_.end_web_session(hash_of(session_id), now_ms);
}

}  // namespace dspt::server::web
