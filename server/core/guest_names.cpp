// chatd --guest-names (issue 24): a user without a nickname is shown to
// everyone as guest-N, N the smallest number no connected user holds, not
// as IP:PORT. The stdout log keeps the address: its "entered" line says
// which guest it is ("> New user 10.0.2.15:33084 entered as guest-1 (...)").
// Admins (who would see addresses) do not exist yet.
#include <algorithm>
#include <functional>
#include <string>

#include "core/chat.h"

namespace chat {

namespace {
constexpr std::string_view kGuest = "guest-";
}  // namespace

bool Chat::is_guest_name(std::string_view name) const {
  if (!config_.guest_names || name.size() <= kGuest.size() || name.size() > kGuest.size() + 9) return false;
  for (std::size_t i = 0; i < kGuest.size(); ++i) {
    const char c = name[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kGuest[i]) return false;
  }
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(kGuest.size()), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

void Chat::name_guest(MemberId id) {
  const std::string address = directory_[id].name;
  // The smallest number given back, else a new one; a number whose name
  // looks like a nickname in use ("guest-l") is skipped and kept aside.
  std::vector<unsigned> skipped;
  unsigned n = 0;
  std::string name;
  for (;;) {
    if (!free_guests_.empty()) {
      std::pop_heap(free_guests_.begin(), free_guests_.end(), std::greater<>());
      n = free_guests_.back();
      free_guests_.pop_back();
    } else {
      n = ++guests_top_;
    }
    name = std::string(kGuest) + std::to_string(n);
    if (!directory_.local_owner(name, id)) break;
    skipped.push_back(n);
  }
  for (const unsigned s : skipped) {
    free_guests_.push_back(s);
    std::push_heap(free_guests_.begin(), free_guests_.end(), std::greater<>());
  }
  directory_.rename(id, name);  // its key, so look-alike nicknames are refused
  directory_[id].guest = n;
  const Event entered{.kind = Event::Kind::entered_as, .name = address, .other = name, .count = online()};
  log_.event(*renderers_.render(kCanonicalProtocol, entered));
}

void Chat::release_guest(Seat& seat) {
  free_guests_.push_back(seat.guest);
  std::push_heap(free_guests_.begin(), free_guests_.end(), std::greater<>());
  seat.guest = 0;
}

}  // namespace chat
