#include "threads/pending_handshakes.h"

#include <algorithm>
#include <utility>

#include "base/server_log.h"
#include "tls/tls_log_lines.h"

namespace chat {

void PendingHandshakes::add(Accepted client, tls::Stream stream, Clock::time_point now, const Done& done,
                            const Failed& failed) {
  const Clock::time_point deadline =
      timeout_s_ == 0 ? Clock::time_point::max() : now + std::chrono::seconds(timeout_s_);
  Pending p{std::move(client), std::move(stream), deadline, tls::Status::want_read};
  if (advance(p, done, failed)) pending_.push_back(std::move(p));
}

bool PendingHandshakes::advance(Pending& p, const Done& done, const Failed& failed) {
  tls::Result r = p.stream.handshake();
  switch (r.status) {
    case tls::Status::done:
      done(std::move(p.client), std::move(p.stream));
      return false;
    case tls::Status::want_read:
    case tls::Status::want_write:
      p.waits_for = r.status;
      return true;
    case tls::Status::closed:
    case tls::Status::error:
      break;
  }
  diagnostic("TLS handshake failed", tls_handshake_failed(p.client.peer.name(), r));
  failed(p.client);
  return false;
}

void PendingHandshakes::append_pollfds(std::vector<pollfd>& fds) const {
  for (const Pending& p : pending_) {
    fds.push_back({p.client.fd.get(), static_cast<short>(p.waits_for == tls::Status::want_write ? POLLOUT : POLLIN), 0});
  }
}

int PendingHandshakes::poll_timeout_ms(Clock::time_point now) const {
  if (pending_.empty() || timeout_s_ == 0) return -1;
  Clock::time_point next = Clock::time_point::max();
  for (const Pending& p : pending_) next = std::min(next, p.deadline);
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
}

void PendingHandshakes::step(std::span<const pollfd> ready, Clock::time_point now, const Done& done,
                             const Failed& failed) {
  // Only the handshakes poll() saw: callbacks never add any meanwhile.
  const std::size_t seen = std::min(ready.size(), pending_.size());
  std::size_t kept = 0;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    Pending& p = pending_[i];
    bool in_flight = true;
    if (i < seen && ready[i].revents != 0) {
      in_flight = advance(p, done, failed);
    } else if (now >= p.deadline) {
      diagnostic("TLS handshake timed out", tls_handshake_timed_out(p.client.peer.name(), timeout_s_));
      failed(p.client);
      in_flight = false;
    }
    if (in_flight) {
      if (kept != i) pending_[kept] = std::move(p);
      ++kept;
    }
  }
  pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(kept), pending_.end());
}

}  // namespace chat
