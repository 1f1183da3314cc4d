// What each account command does (docs/PROTOCOL.md "Accounts"): /register,
// /login, /logout, /password, and the reservation of registered nicknames.
// The rules are core/accounts.h's; the hashing happens off this thread
// (core/password_hasher.h) and its answer comes back in on_password().
#include <optional>
#include <string>
#include <utility>

#include "core/chat.h"
#include "nickname.h"

namespace chat {

namespace {

// Characters, not bytes: UTF-8 lead bytes.
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

void Chat::set_accounts(PasswordHasher* hasher, AccountSink* sink, AccountConfig config) {
  hasher_ = hasher;
  account_sink_ = sink;
  account_config_ = config;
}

bool Chat::passwords_allowed(MemberId id) {
  if (account_config_.allow_plain_passwords || directory_[id].member->confidential()) return true;
  tell(id, Event{.kind = Event::Kind::passwords_need_tls, .count = account_config_.tls_port});
  return false;
}

bool Chat::reserved(MemberId id, std::string_view requested) {
  const Accounts::Account* account = accounts_.find(requested);
  if (account == nullptr) return false;
  const Seat& seat = directory_[id];
  if (!seat.account.empty() && nickname_key(seat.account) == nickname_key(account->name)) return false;
  tell(id, Event{.kind = Event::Kind::nickname_registered, .name = requested, .other = account->name});
  return true;
}

bool Chat::submit(MemberId id, Accounts::What what, std::string name, PasswordJob job) {
  job.ticket = accounts_.start(id, what, std::move(name));
  const std::uint64_t ticket = job.ticket;
  if (hasher_->submit(std::move(job))) return true;
  accounts_.finish(ticket);
  tell(id, Event{.kind = Event::Kind::server_busy});
  return false;
}

bool Chat::register_account(MemberId id, std::string_view password) {
  if (hasher_ == nullptr) {
    tell(id, Event{.kind = Event::Kind::accounts_need_store});
    return false;
  }
  if (!passwords_allowed(id)) return false;
  if (password.empty()) {
    refuse(id, Event::Kind::usage, {}, "/register PASSWORD");
    return false;
  }
  if (!directory_.has_nickname(id)) {
    tell(id, Event{.kind = Event::Kind::nickname_first});
    return false;
  }
  const std::string name = directory_[id].name;
  if (accounts_.find(name) != nullptr || accounts_.pending(name)) {
    tell(id, Event{.kind = Event::Kind::already_registered, .name = name});
    return false;
  }
  if (characters(password) < AccountConfig::kMinPassword) {
    tell(id, Event{.kind = Event::Kind::password_too_short, .count = AccountConfig::kMinPassword});
    return false;
  }
  if (bus_ != nullptr && !bus_->linked()) {  // only Redis can say the name is free everywhere
    tell(id, Event{.kind = Event::Kind::server_busy});
    return false;
  }
  PasswordJob job;
  job.new_password = std::string(password);
  return submit(id, Accounts::What::register_account, name, std::move(job));
}

bool Chat::login(MemberId id, std::string_view name, std::string_view password) {
  if (hasher_ == nullptr) {
    tell(id, Event{.kind = Event::Kind::accounts_need_store});
    return false;
  }
  if (!passwords_allowed(id)) return false;
  if (name.empty() || password.empty()) {
    refuse(id, Event::Kind::usage, {}, "/login NAME PASSWORD");
    return false;
  }
  const std::string key = nickname_key(name);
  const std::int64_t wait = accounts_.throttle.wait(key, address_host(directory_[id].peer), now());
  if (wait > 0) {
    tell(id, Event{.kind = Event::Kind::too_many_failed_logins, .count = static_cast<std::size_t>(wait)});
    return false;
  }
  const Accounts::Account* account = accounts_.find(name);
  // An unknown name costs a check too (against nothing): it answers as a
  // wrong password does, in the same time.
  PasswordJob job;
  job.password = std::string(password);
  if (account != nullptr) job.hash = account->hash;
  return submit(id, Accounts::What::login, account != nullptr ? account->name : clean(name), std::move(job));
}

void Chat::logout(MemberId id) {
  Seat& seat = directory_[id];
  if (seat.account.empty()) {
    tell(id, Event{.kind = Event::Kind::not_logged_in});
    return;
  }
  const std::string account = std::exchange(seat.account, {});
  accounts_.log_out(account, id);
  log_account(id, "logged out of", account);
  tell(id, Event{.kind = Event::Kind::logged_out});
  if (directory_.has_nickname(id)) to_address_name(id, std::nullopt);
}

bool Chat::change_password(MemberId id, std::string_view old_password, std::string_view new_password) {
  if (hasher_ == nullptr) {
    tell(id, Event{.kind = Event::Kind::accounts_need_store});
    return false;
  }
  if (!passwords_allowed(id)) return false;
  if (old_password.empty() || new_password.empty()) {
    refuse(id, Event::Kind::usage, {}, "/password OLD NEW");
    return false;
  }
  const Seat& seat = directory_[id];
  const Accounts::Account* account = seat.account.empty() ? nullptr : accounts_.find(seat.account);
  if (account == nullptr) {
    tell(id, Event{.kind = Event::Kind::not_logged_in});
    return false;
  }
  if (characters(new_password) < AccountConfig::kMinPassword) {
    tell(id, Event{.kind = Event::Kind::password_too_short, .count = AccountConfig::kMinPassword});
    return false;
  }
  const std::int64_t wait = accounts_.throttle.wait(nickname_key(account->name), address_host(seat.peer), now());
  if (wait > 0) {
    tell(id, Event{.kind = Event::Kind::too_many_failed_logins, .count = static_cast<std::size_t>(wait)});
    return false;
  }
  if (bus_ != nullptr && !bus_->linked()) {  // the new hash must reach Redis: not now
    tell(id, Event{.kind = Event::Kind::server_busy});
    return false;
  }
  PasswordJob job;
  job.password = std::string(old_password);
  job.hash = account->hash;
  job.new_password = std::string(new_password);
  return submit(id, Accounts::What::password, account->name, std::move(job));
}

void Chat::on_password(PasswordResult result) {
  std::optional<Accounts::Pending> pending = accounts_.finish(result.ticket);
  if (!pending) return;  // its member left meanwhile
  const MemberId id = pending->member;
  Seat& seat = directory_[id];
  Member& member = *seat.member;
  const std::string key = nickname_key(pending->name);
  switch (pending->what) {
    case Accounts::What::register_account:
      if (result.failed || result.new_hash.empty()) {
        tell(id, Event{.kind = Event::Kind::server_busy});
        break;
      }
      if (accounts_.find(pending->name) != nullptr) {  // registered elsewhere meanwhile (a cluster)
        tell(id, Event{.kind = Event::Kind::already_registered, .name = pending->name});
        break;
      }
      if (bus_ != nullptr) {
        // Redis decides, for every node at once; the member waits for it
        // (on_account_claim() resumes it).
        if (bus_->register_account(seat.serial, pending->name, result.new_hash)) return;
        tell(id, Event{.kind = Event::Kind::server_busy});
        break;
      }
      complete_registration(id, pending->name, result.new_hash);
      break;
    case Accounts::What::login: {
      const std::string_view host = address_host(seat.peer);
      if (result.failed) {
        tell(id, Event{.kind = Event::Kind::server_busy});
        break;
      }
      const Accounts::Account* account = accounts_.find(pending->name);
      if (!result.verified || account == nullptr) {
        accounts_.throttle.failed(key, account != nullptr, host, now());
        if (bus_ != nullptr) publish_account('F', id, pending->name, host);
        log_account(id, "failed to log in as", pending->name);
        tell(id, Event{.kind = Event::Kind::login_failed});
        break;
      }
      accounts_.throttle.succeeded(key);
      finish_login(id, account->name);
      break;
    }
    case Accounts::What::password:
      if (result.failed) {
        tell(id, Event{.kind = Event::Kind::server_busy});
        break;
      }
      if (!result.verified || result.new_hash.empty()) {
        accounts_.throttle.failed(key, true, address_host(seat.peer), now());
        if (bus_ != nullptr) publish_account('F', id, pending->name, address_host(seat.peer));
        tell(id, Event{.kind = Event::Kind::wrong_password});
        break;
      }
      if (bus_ != nullptr && !bus_->update_account(pending->name, result.new_hash)) {
        tell(id, Event{.kind = Event::Kind::server_busy});
        break;
      }
      accounts_.put(pending->name, result.new_hash);
      if (account_sink_ != nullptr) account_sink_->save_account(pending->name, result.new_hash);
      log_account(id, "changed the password of", pending->name);
      tell(id, Event{.kind = Event::Kind::password_changed});
      break;
  }
  member.resume();
}

void Chat::finish_login(MemberId id, const std::string& account) {
  // An admin's ban in the default room holds the account server-wide
  // (core/moderation_commands.cpp).
  if (!moderation_.empty() && moderation_.server_banned_account(account, now())) [[unlikely]] {
    Member& banned = *directory_[id].member;
    tell(id, Event{.kind = Event::Kind::banned_from_server});
    leave(id);
    banned.drop(DropReason::banned);
    return;
  }
  // Another connection logged in as this account is replaced.
  if (const auto other = accounts_.holder(account); other && *other != id) {
    Member& replaced = *directory_[*other].member;
    directory_[*other].account.clear();
    accounts_.log_out(account, *other);
    tell(*other, Event{.kind = Event::Kind::logged_in_elsewhere});
    leave(*other);
    replaced.drop(DropReason::replaced);
  }
  // ... and so is one on another node, and an unlogged holder of the name
  // there gives it back (core/account_sync.cpp): told before the rename.
  if (bus_ != nullptr) publish_account('L', id, account);
  Seat& seat = directory_[id];
  if (!seat.account.empty()) accounts_.log_out(seat.account, id);
  seat.account = account;
  accounts_.log_in(account, id);
  log_account(id, "logged in as", account);
  if (nickname_key(seat.name) != nickname_key(account)) {
    // An unlogged holder of the name gives it back to its owner.
    if (const auto holder = directory_.find(account); holder.local && *holder.local != id) {
      to_address_name(*holder.local, Event::Kind::nickname_reclaimed);
    }
    if (bus_ != nullptr) {  // the name is the owner's in Redis too, whoever held it
      const std::string old_key = directory_.has_nickname(id) ? nickname_key(seat.name) : std::string();
      bus_->take_nickname(seat.serial, account, nickname_key(account), old_key);
    }
    const std::string old_name = directory_.rename(id, account);
    const Event renamed{.kind = Event::Kind::renamed, .name = seat.name, .other = old_name};
    Rendering rendering(renderers_, renamed);
    log_event(rendering);
    broadcast_seat(seat, rendering, id);
    if (bus_ != nullptr) {
      ClusterEvent e = presence(ClusterEvent::Kind::nick, seat);
      e.old_name = old_name;
      publish(std::move(e));
    }
  }
  tell(id, Event{.kind = Event::Kind::logged_in, .name = account});
}

void Chat::to_address_name(MemberId id, std::optional<Event::Kind> notice) {
  Seat& seat = directory_[id];
  const std::string key = nickname_key(seat.name);
  const std::string old_name = directory_.drop_nickname(id);
  if (notice) tell(id, Event{.kind = *notice, .name = old_name, .other = seat.name});
  const Event renamed{.kind = Event::Kind::renamed, .name = seat.name, .other = old_name};
  Rendering rendering(renderers_, renamed);
  log_event(rendering);
  broadcast_seat(seat, rendering, id);
  if (bus_ != nullptr) {
    bus_->release_nickname(seat.serial, key);
    ClusterEvent e = presence(ClusterEvent::Kind::nick, seat);
    e.old_name = old_name;
    publish(std::move(e));
  }
}

void Chat::log_account(MemberId id, std::string_view what, std::string_view account) {
  const Event e{.kind = Event::Kind::account_log, .name = directory_[id].peer, .other = account, .text = what};
  log_.event(*renderers_.render(kCanonicalProtocol, e));
}

void Chat::leave_accounts(const Seat& seat, MemberId id) {
  accounts_.cancel(id);
  if (!seat.account.empty()) accounts_.log_out(seat.account, id);
}

}  // namespace chat
