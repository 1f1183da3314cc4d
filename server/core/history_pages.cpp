// /history [N] (issue 24): the N lines of your room before the oldest one
// you were shown (by the replay on entering, or an earlier /history), in
// the replay's framing, oldest first. Each /history is a page: it goes
// back from where the last one stopped.
//
// Lines are numbered per room as they are kept (Channel::kept_total), so a
// page is "lines numbered below Seat::shown_from", whatever was said since.
// The room's memory (its last --history lines) is read first; older ones
// come from the store (--store, HistorySink::older), a bounded read on the
// chat's thread. A page is at most kMaxLines lines and about kPageBytes
// (at least one line), and is charged to the asker like a replay
// (Member::accepts_replay): by size against its rate limit, and refused
// while it has not taken what it was sent before.
#include <charconv>
#include <deque>
#include <vector>

#include "core/chat.h"

namespace chat {

namespace {
constexpr std::size_t kDefaultLines = 50;
constexpr std::size_t kMaxLines = 500;
constexpr std::size_t kPageBytes = 16 * 1024;
constexpr std::size_t kFrame = 64, kPerLine = 16;  // as send_history estimates
}  // namespace

void Chat::send_older(MemberId id, std::string_view arg) {
  std::size_t wanted = kDefaultLines;
  if (!arg.empty()) {
    unsigned long long n = 0;
    const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
    if (ec == std::errc::result_out_of_range) {
      n = kMaxLines;
    } else if (ec != std::errc{} || end != arg.data() + arg.size() || n == 0) {
      refuse(id, Event::Kind::usage, {}, "/history [N]");
      return;
    }
    wanted = static_cast<std::size_t>(std::min<unsigned long long>(n, kMaxLines));
  }
  Seat& seat = directory_[id];
  if (seat.channel == nullptr) return;  // a member in no room (IRC) has no history to page
  const Channel& ch = *seat.channel;
  const std::uint64_t before = std::min(seat.shown_from, ch.kept_total + 1);

  std::deque<HistoryEntry> page;  // built newest first, at the front
  std::size_t bytes = kFrame;
  bool full = false;
  const auto take = [&](HistoryEntry entry) {
    const std::size_t line = kPerLine + entry.name().size() + entry.text().size();
    if (!page.empty() && (page.size() >= wanted || bytes + line > kPageBytes)) {
      full = true;
      return false;
    }
    bytes += line;
    page.push_front(std::move(entry));
    return true;
  };
  // Memory holds the lines numbered first_kept .. kept_total.
  const std::uint64_t first_kept = ch.kept_total + 1 - ch.history.size();
  for (std::uint64_t n = before; n > first_kept && take(ch.history[n - 1 - first_kept]);) --n;
  if (!full && page.size() < wanted && sink_ != nullptr) {
    const std::uint64_t below = before - page.size();
    const std::size_t budget = kPageBytes > bytes ? kPageBytes - bytes : 0;
    for (HistorySink::Stored& stored : sink_->older(ch.name, below, wanted - page.size(), budget)) {
      std::optional<HistoryEntry> entry = renderers_[kCanonicalProtocol].parse_history(stored.time, stored.line);
      if (!entry || !take(std::move(*entry))) break;
    }
  }
  if (page.empty()) {
    tell(id, Event{.kind = Event::Kind::no_older_history, .room = ch.name});
    return;
  }
  if (!seat.member->accepts_replay(bytes, page.size() + 2)) return;
  seat.shown_from = before - page.size();
  tell(id, Event{.kind = Event::Kind::history, .room = ch.name, .count = page.size(), .entries = &page});
}

}  // namespace chat
