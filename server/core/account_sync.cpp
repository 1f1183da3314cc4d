// Accounts over --cluster (docs/CLUSTER.md "Accounts and moderation"):
// Redis holds every account, so a name registered on one node is
// registered on all; the registration is decided there, atomically
// (Bus::register_account), and the other nodes hear of it, of a new
// password, of a login (which closes the account's connection on other
// nodes and takes its name back from whoever holds it there) and of a
// failed login (which counts toward the throttle everywhere).
#include <string>
#include <utility>

#include "core/chat.h"
#include "nickname.h"

namespace chat {

void Chat::complete_registration(MemberId id, const std::string& name, const std::string& hash) {
  Seat& seat = directory_[id];
  accounts_.put(name, hash);
  if (account_sink_ != nullptr) account_sink_->save_account(name, hash);
  if (!seat.account.empty()) accounts_.log_out(seat.account, id);
  seat.account = name;
  accounts_.log_in(name, id);
  log_account(id, "registered", name);
  tell(id, Event{.kind = Event::Kind::registered, .name = name});
}

void Chat::on_account_claim(std::uint64_t user, std::string_view name, std::string_view hash, ClaimResult result) {
  const auto id = directory_.by_serial(user);
  if (!id) {  // left while waiting: registered all the same
    if (result == ClaimResult::won) learn_account(name, hash);
    return;
  }
  switch (result) {
    case ClaimResult::won:
      complete_registration(*id, std::string(name), std::string(hash));
      break;
    case ClaimResult::in_use:  // registered on another node meanwhile
      tell(*id, Event{.kind = Event::Kind::already_registered, .name = name});
      break;
    case ClaimResult::failed:
      tell(*id, Event{.kind = Event::Kind::server_busy});
      break;
  }
  directory_[*id].member->resume();
}

void Chat::learn_account(std::string_view name, std::string_view hash) {
  const Accounts::Account* known = accounts_.find(name);
  if (known != nullptr && known->name == name && known->hash == hash) return;
  accounts_.put(std::string(name), std::string(hash));
  // With --store the file is this node's copy: it answers logins at start,
  // before Redis does, and seeds a Redis that lost its data.
  if (account_sink_ != nullptr) account_sink_->save_account(name, hash);
}

void Chat::publish_account(char what, MemberId id, std::string_view name, std::string_view host) {
  ClusterEvent e;
  e.kind = ClusterEvent::Kind::account;
  e.user = directory_[id].serial;
  e.name = std::string(name);
  e.old_room = std::string(host);
  e.count2 = static_cast<unsigned char>(what);
  publish(std::move(e));
}

void Chat::apply_remote_account(const ClusterEvent& e) {
  if (!is_valid_nickname(e.name)) return;
  switch (static_cast<char>(e.count2)) {
    case 'P':
      if (!e.text.empty()) learn_account(e.name, e.text);
      return;
    case 'F':
      accounts_.throttle.failed(nickname_key(e.name), accounts_.find(e.name) != nullptr, e.old_room, now());
      return;
    case 'L': {
      accounts_.throttle.succeeded(nickname_key(e.name));  // as on the login's node
      // The account's connection here, if any, is replaced, as on one node.
      if (const auto other = accounts_.holder(e.name)) {
        Member& replaced = *directory_[*other].member;
        directory_[*other].account.clear();
        accounts_.log_out(e.name, *other);
        tell(*other, Event{.kind = Event::Kind::logged_in_elsewhere});
        leave(*other);
        replaced.drop(DropReason::replaced);
      }
      // A connection here not logged in as it gives its name back.
      if (const auto holder = directory_.find(e.name); holder.local) {
        const Seat& seat = directory_[*holder.local];
        if (seat.account.empty() || nickname_key(seat.account) != nickname_key(e.name)) {
          to_address_name(*holder.local, Event::Kind::nickname_reclaimed);
        }
      }
      return;
    }
    default:
      return;  // not one this release knows
  }
}

}  // namespace chat
