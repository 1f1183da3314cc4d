#include "core/accounts.h"

#include <algorithm>
#include <iterator>

#include "nickname.h"

namespace chat {

std::int64_t LoginThrottle::Failures::wait(std::int64_t now) const {
  if (count < kMaxFailures) return 0;
  const std::int64_t oldest = times[next];  // the ring is full: next is the oldest
  return std::max<std::int64_t>(0, oldest + kWindow - now);
}

std::int64_t LoginThrottle::wait(std::string_view account_key, std::string_view address, std::int64_t now) const {
  std::int64_t longest = 0;
  if (const auto it = accounts_.find(std::string(account_key)); it != accounts_.end()) {
    longest = it->second.wait(now);
  }
  if (const auto it = addresses_.find(std::string(address)); it != addresses_.end()) {
    longest = std::max(longest, it->second.wait(now));
  }
  return longest;
}

void LoginThrottle::forget_expired(Table& table, std::int64_t now) {
  std::erase_if(table, [&](const auto& entry) { return entry.second.newest() + kWindow <= now; });
}

void LoginThrottle::add(Table& table, std::string_view key, bool always, std::int64_t now) {
  auto it = table.find(std::string(key));
  if (it == table.end()) {
    if (table.size() >= kMaxTracked) forget_expired(table, now);
    if (table.size() >= kMaxTracked && !always) return;
    it = table.emplace(std::string(key), Failures{}).first;
  }
  Failures& f = it->second;
  f.times[f.next] = now;
  f.next = (f.next + 1) % kMaxFailures;
  f.count = std::min(f.count + 1, kMaxFailures);
}

void LoginThrottle::failed(std::string_view account_key, bool registered, std::string_view address,
                           std::int64_t now) {
  add(accounts_, account_key, registered, now);
  add(addresses_, address, false, now);
}

std::string_view address_host(std::string_view address_name) {
  if (address_name.starts_with('[')) {
    const auto end = address_name.find(']');
    return end == std::string_view::npos ? address_name : address_name.substr(1, end - 1);
  }
  const auto colon = address_name.rfind(':');
  return colon == std::string_view::npos ? address_name : address_name.substr(0, colon);
}

const Accounts::Account* Accounts::find(std::string_view name) const {
  if (registry_.empty()) return nullptr;
  const auto it = registry_.find(nickname_key(name));
  return it == registry_.end() ? nullptr : &it->second;
}

void Accounts::put(std::string name, std::string hash) {
  std::string key = nickname_key(name);
  registry_.insert_or_assign(std::move(key), Account{std::move(name), std::move(hash)});
}

std::optional<MemberId> Accounts::holder(std::string_view name) const {
  if (holders_.empty()) return std::nullopt;
  const auto it = holders_.find(nickname_key(name));
  if (it == holders_.end()) return std::nullopt;
  return it->second;
}

void Accounts::log_in(std::string_view name, MemberId id) { holders_.insert_or_assign(nickname_key(name), id); }

void Accounts::log_out(std::string_view name, MemberId id) {
  const auto it = holders_.find(nickname_key(name));
  if (it != holders_.end() && it->second == id) holders_.erase(it);
}

std::uint64_t Accounts::start(MemberId member, What what, std::string name) {
  const std::uint64_t ticket = next_ticket_++;
  pending_.emplace(ticket, Pending{member, what, std::move(name)});
  return ticket;
}

std::optional<Accounts::Pending> Accounts::finish(std::uint64_t ticket) {
  const auto it = pending_.find(ticket);
  if (it == pending_.end()) return std::nullopt;
  Pending p = std::move(it->second);
  pending_.erase(it);
  return p;
}

void Accounts::cancel(MemberId member) {
  std::erase_if(pending_, [&](const auto& entry) { return entry.second.member == member; });
}

bool Accounts::pending(std::string_view name) const {
  if (pending_.empty()) return false;
  const std::string key = nickname_key(name);
  return std::any_of(pending_.begin(), pending_.end(), [&](const auto& entry) {
    return entry.second.what == What::register_account && nickname_key(entry.second.name) == key;
  });
}

}  // namespace chat
