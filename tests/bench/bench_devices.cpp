#include "tests/bench/bench_devices.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "client/sync/api_client.hpp"
#include "common/clock/hybrid_clock.hpp"
#include "common/crypto/random.hpp"
#include "common/crypto/sealed_box.hpp"
#include "protocol/messages.hpp"

namespace dspt::bench {

void Failures::record(const std::string& what) {
    const std::lock_guard lock(mutex_);
    if (messages_.size() < 10) {
        messages_.push_back(what);
    }
    ++count_;
}

void Failures::print() const {
    for (const auto& message : messages_) {
        std::cout << "# error: " << message << "\n";
    }
    if (count_ > messages_.size()) {
        std::cout << "# ... and " << count_ - messages_.size() << " more errors\n";
    }
}

int Failures::finish() const {
    print();
    std::cout.flush();
    return count_ == 0 ? 0 : 1;
}

void parallel_for(std::size_t count, std::size_t threads, Failures& failures,
                  const std::function<void(std::size_t)>& fn) {
    std::atomic<std::size_t> next{0};
    std::vector<std::jthread> workers;
    for (std::size_t t = 0; t < std::min(threads, count); ++t) {
        workers.emplace_back([&] {
            for (std::size_t i = next++; i < count; i = next++) {
                try {
                    fn(i);
                } catch (const std::exception& e) {
                    failures.record(e.what());
                }
            }
        });
    }
}

Device enrol_bare(client::Transport& transport, const protocol::EnrolmentCode& code,
                  const std::string& name) {
    Device device{{}, {}, crypto::random_bytes(crypto::SigningKeyPair::kSeedBytes)};
    protocol::EnrolRequest request;
    request.token_id = code.token_id();
    request.auth_key = protocol::auth_key(code.secret());
    request.signing_public_key = device.signing().public_key();
    request.box_public_key = crypto::BoxKeyPair::generate().public_key();
    request.device_name = name;
    client::ApiClient anonymous(transport);
    const auto response = anonymous.enrol(request);
    device.id = response.device_id;
    device.site = response.site_ods;
    return device;
}

std::string answer_value(const standards::Item& item, std::size_t variant) {
    switch (item.type) {
        case standards::AnswerType::confirm:
            return variant % 2 == 0 ? "yes" : "no";
        case standards::AnswerType::date:
            return "2025-" + std::string(variant % 12 < 9 ? "0" : "") +
                   std::to_string(variant % 12 + 1) + "-15";
        case standards::AnswerType::text:
            return "Reviewed by the registered manager, revision " + std::to_string(variant);
        case standards::AnswerType::document:
            return "Office cabinet, drawer " + std::to_string(variant);
    }
    return "yes";
}

protocol::PushRequest answers_of(const Device& device, const std::vector<standards::Item>& items,
                                 std::string_view year, std::string_view author) {
    protocol::PushRequest request;
    const auto replica = crypto::random_uuid();
    const auto hlc = HybridClock::system_millis() << 16;
    std::int64_t seq = 0;
    for (const auto& item : items) {
        ++seq;
        const nlohmann::json payload{{"item", item.id},
                                     {"value", answer_value(item, 0)},
                                     {"comment", ""},
                                     {"answered_by", author}};
        request.entries.push_back({replica,
                                   seq,
                                   hlc + static_cast<std::uint64_t>(seq),
                                   device.site,
                                   std::string(year) + "/answer/" + item.id,
                                   {},
                                   payload.dump(),
                                   std::string(author)});
    }
    return request;
}

}  // namespace dspt::bench
