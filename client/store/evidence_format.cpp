#include "client/store/evidence_format.hpp"

#include "common/crypto/aead.hpp"
#include "common/crypto/encoding.hpp"
#include "common/error.hpp"
#include "protocol/file_name.hpp"

namespace dspt::client::evidence_format {

std::string chunk_ad(std::string_view evidence_id, std::uint64_t index) {
    return std::string(evidence_id) + "|" + std::to_string(index);
}

std::string local_key_ad(std::string_view evidence_id) {
    return FieldSealer::associated_data(kTable, evidence_id, "file_key");
}

std::string organisation_key_ad(std::string_view evidence_id) {
    return "evidence-file-key|" + std::string(evidence_id);
}

std::string sealed_manifest_ad(std::string_view evidence_id) {
    return "evidence-manifest|" + std::string(evidence_id);
}

nlohmann::json Manifest::to_json() const {
    return {
        {"name", name}, {"size", size}, {"chunks", chunks}, {"blake2b", blake2b}, {"item", item}};
}

nlohmann::json Manifest::register_value(std::string_view id, const crypto::SecretKey& file_key,
                                        crypto::ByteView wrapped_file_key) const {
    const auto hidden = nlohmann::json{{"name", name}, {"blake2b", blake2b}}.dump();
    const auto sealed = crypto::Aead::seal(file_key, crypto::as_byte_view(hidden),
                                           crypto::as_byte_view(sealed_manifest_ad(id)));
    return {{"id", id},
            {"item", item},
            {"size", size},
            {"chunks", chunks},
            {"file_key", crypto::to_base64(wrapped_file_key)},
            {"sealed", crypto::to_base64(sealed)}};
}

Manifest Manifest::from_value(const nlohmann::json& value, std::string_view id,
                              const crypto::SecretKey& file_key, std::uint64_t max_size) {
    nlohmann::json opened = value;
    if (value.contains("sealed")) {
        if (!value["sealed"].is_string()) {
            fail(ErrorCode::invalid_argument, "the evidence record's sealed part is not text");
        }
        const auto plain =
            crypto::Aead::open(file_key, crypto::from_base64(value["sealed"].get<std::string>()),
                               crypto::as_byte_view(sealed_manifest_ad(id)));
        const auto hidden =
            nlohmann::json::parse(std::string(plain.begin(), plain.end()), nullptr, false);
        if (!hidden.is_object()) {
            fail(ErrorCode::invalid_argument, "the evidence record's sealed part is not JSON");
        }
        opened["name"] = hidden.value("name", nlohmann::json());
        opened["blake2b"] = hidden.value("blake2b", nlohmann::json());
    }
    return from_opened(opened, max_size);
}

Manifest Manifest::from_opened(const nlohmann::json& value, std::uint64_t max_size) {
    const auto text = [&](const char* key) {
        if (!value.contains(key) || !value[key].is_string()) {
            fail(ErrorCode::invalid_argument, std::string("the evidence record has no ") + key);
        }
        return value[key].get<std::string>();
    };
    const auto number = [&](const char* key) {
        if (!value.contains(key) || !value[key].is_number_unsigned()) {
            fail(ErrorCode::invalid_argument, std::string("the evidence record has no ") + key);
        }
        return value[key].get<std::uint64_t>();
    };
    Manifest manifest{text("name"), number("size"), number("chunks"), text("blake2b"),
                      text("item")};
    if (manifest.size > max_size ||
        manifest.chunks != (manifest.size + kChunkBytes - 1) / kChunkBytes ||
        manifest.blake2b.size() != 64) {
        fail(ErrorCode::invalid_argument, "the evidence record's size or chunks are wrong");
    }
    if (const auto problem = protocol::file_name_problem(manifest.name)) {
        fail(ErrorCode::invalid_argument, "the evidence record's file name " + *problem);
    }
    return manifest;
}

Manifest open_manifest(const FieldSealer& sealer, std::string_view id, crypto::ByteView sealed) {
    const auto what = "record of evidence file " + std::string(id);
    const auto text = sealer.open(kTable, id, "manifest", sealed, what);
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_object() || !json.contains("name") || !json.contains("size") ||
        !json.contains("chunks") || !json.contains("blake2b")) {
        fail(ErrorCode::corrupt, "the stored " + what + " is damaged");
    }
    return {json["name"].get<std::string>(), json["size"].get<std::uint64_t>(),
            json["chunks"].get<std::uint64_t>(), json["blake2b"].get<std::string>(),
            json.value("item", std::string())};
}

crypto::Bytes seal_manifest(const FieldSealer& sealer, std::string_view id,
                            const Manifest& manifest) {
    return sealer.seal(kTable, id, "manifest", manifest.to_json().dump());
}

}  // namespace dspt::client::evidence_format
