#include "client/sync/recovery_upload.hpp"

#include <ostream>

#include "client/store/identity_store.hpp"
#include "common/error.hpp"

namespace dspt::client {

bool send_pending_recovery(LocalStore& store, ApiClient& api, std::ostream& err) {
    auto envelope = pending_recovery_envelope(store);
    if (!envelope) {
        return true;
    }
    try {
        api.put_recovery(protocol::KeyEnvelope{std::move(*envelope)});
    } catch (const Error& e) {
        if (e.code() != ErrorCode::network && e.code() != ErrorCode::timeout &&
            e.code() != ErrorCode::unavailable) {
            throw;
        }
        err << "dspt: warning: the recovery copy of the organisation key is not on the server "
               "yet ("
            << e.what() << "); it is kept here and sent by the next command that reaches it\n";
        return false;
    }
    clear_pending_recovery_envelope(store);
    return true;
}

}  // namespace dspt::client
