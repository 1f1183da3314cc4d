#include "net/metrics_endpoint.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "metrics/http_request.h"

namespace chat {

namespace {

// Accepts per wake-up: a connect storm on the metrics port gets a share of
// the loop, not all of it.
constexpr int kAcceptsPerWakeup = 16;

// Reads what the peer sent but we will not read (its request's tail, a
// body), so closing does not reset the connection under our response.
void discard_unread(int fd) {
  char sink[1024];
  for (int i = 0; i < 4 && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) {
  }
}

}  // namespace

MetricsEndpoint::MetricsEndpoint(Poller& poller, std::vector<UniqueFd> listeners, std::function<std::string()> body,
                                 LoopTask* inner)
    : poller_(poller), listeners_(std::move(listeners)), body_(std::move(body)), inner_(inner) {}

MetricsEndpoint::~MetricsEndpoint() {
  for (auto& s : scrapers_) {
    if (!s->closed) poller_.remove(s->fd.get());
  }
  for (const UniqueFd& l : listeners_) {
    if (l) poller_.remove(l.get());
  }
}

std::error_code MetricsEndpoint::start() {
  for (const UniqueFd& l : listeners_) {
    if (const auto ec = poller_.add(l.get(), kReadable)) return ec;
  }
  return {};
}

MetricsEndpoint::Scraper* MetricsEndpoint::scraper(int fd) {
  for (auto& s : scrapers_) {
    if (s->fd.get() == fd) return s.get();
  }
  return nullptr;
}

void MetricsEndpoint::on_event(const PollEvent& event) {
  for (const UniqueFd& l : listeners_) {
    if (l && l.get() == event.fd) {
      accept_scrapers(event.fd);
      return;
    }
  }
  if (Scraper* s = scraper(event.fd)) {
    on_scraper(*s, event.ready);
    return;
  }
  if (inner_ != nullptr) inner_->on_event(event);
}

void MetricsEndpoint::accept_scrapers(int listener_fd) {
  const auto now = Clock::now();
  for (int i = 0; i < kAcceptsPerWakeup; ++i) {
    UniqueFd fd(::accept4(listener_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) return;  // EAGAIN, or out of fds: the backlog keeps it for later
    const auto open = std::count_if(scrapers_.begin(), scrapers_.end(), [](const auto& s) { return !s->closed; });
    if (static_cast<std::size_t>(open) >= kMaxScrapers || poller_.add(fd.get(), kReadable)) {
      const std::string busy = http_busy_response();  // a fresh socket's buffer takes it
      [[maybe_unused]] const ssize_t n = ::send(fd.get(), busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      continue;  // closed
    }
    auto s = std::make_unique<Scraper>();
    s->fd = std::move(fd);
    s->deadline = now + kDeadline;
    scrapers_.push_back(std::move(s));
  }
}

void MetricsEndpoint::on_scraper(Scraper& s, unsigned ready) {
  if (s.closed) return;  // a stale event
  if (!s.responding && (ready & (kReadable | kHangup))) read_request(s);
  if (!s.closed && s.responding && (ready & (kWritable | kHangup))) write_response(s);
  if (!s.closed && (ready & kFailed)) close(s);
}

void MetricsEndpoint::read_request(Scraper& s) {
  char buffer[2048];
  while (s.request.size() < kMaxHttpRequest) {
    const std::size_t room = std::min(sizeof buffer, kMaxHttpRequest - s.request.size());
    const ssize_t n = ::recv(s.fd.get(), buffer, room, MSG_DONTWAIT);
    if (n > 0) {
      s.request.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    close(s);  // gone before asking, or an error
    return;
  }
  const HttpVerdict verdict = classify_http_request(s.request);
  if (verdict == HttpVerdict::incomplete) return;
  s.response = http_response(verdict, verdict == HttpVerdict::metrics ? body_() : std::string());
  s.request.clear();
  s.request.shrink_to_fit();
  s.responding = true;
  write_response(s);
}

void MetricsEndpoint::write_response(Scraper& s) {
  while (s.sent < s.response.size()) {
    const ssize_t n =
        ::send(s.fd.get(), s.response.data() + s.sent, s.response.size() - s.sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      s.sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (poller_.modify(s.fd.get(), kWritable)) close(s);  // reading is over: wait for room only
      return;
    }
    close(s);
    return;
  }
  discard_unread(s.fd.get());
  close(s);
}

void MetricsEndpoint::close(Scraper& s) {
  if (s.closed) return;
  poller_.remove(s.fd.get());
  s.closed = true;  // the socket itself closes on the tick
  s.response.clear();
  s.response.shrink_to_fit();
}

void MetricsEndpoint::on_tick(Clock::time_point now) {
  for (auto& s : scrapers_) {
    if (now >= s->deadline) close(*s);  // too slow to ask, or to read the answer
  }
  std::erase_if(scrapers_, [](const auto& s) { return s->closed; });
  if (inner_ != nullptr) inner_->on_tick(now);
}

int MetricsEndpoint::timeout_ms(Clock::time_point now) const {
  int timeout = inner_ != nullptr ? inner_->timeout_ms(now) : -1;
  for (const auto& s : scrapers_) {
    if (s->closed) return 0;  // closed this turn: its socket closes at the next tick
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(s->deadline - now).count();
    const int ms = static_cast<int>(std::clamp<long long>(wait, 0, 1000));
    if (timeout < 0 || ms < timeout) timeout = ms;
  }
  return timeout;
}

void MetricsEndpoint::on_shutdown() {
  for (auto& s : scrapers_) close(*s);
  for (UniqueFd& l : listeners_) {
    if (l) poller_.remove(l.get());
    l.reset();
  }
  if (inner_ != nullptr) inner_->on_shutdown();
}

}  // namespace chat
