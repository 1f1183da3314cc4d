// flood_sink: the cheapest possible "chat server", to measure flood itself.
//
// relay (default): every complete line a client sends goes to every other
// client, unchanged, in whole chunks (one send per receiver per read, not
// per line). It does far less work per line than a real server, so against
// it flood's own receive path is what saturates first.
// discard: reads and drops everything (flood's barrier never completes
// against it; useful only to measure raw send speed with other tools).
//
// usage: flood_sink [--host H] [--port P] [--mode relay|discard] [--timeout S]
// Prints "flood_sink listening on HOST:PORT" (flushed) once it accepts, and
// exits 0 on SIGINT/SIGTERM or after --timeout seconds (default 600).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "unique_fd.h"

namespace {

constexpr std::size_t kReadSize = 64 * 1024;
constexpr std::size_t kMaxQueued = 256u << 20;  // a receiver this far behind is dropped

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct Conn {
  chat::UniqueFd fd;
  std::string tail;  // incomplete line
  std::string out;
  std::size_t out_off = 0;
  bool writing = false;
};

class Sink {
 public:
  Sink(chat::UniqueFd listener, bool relay) : listener_(std::move(listener)), relay_(relay) {}
  int run(double timeout_s);

 private:
  void accept_all();
  void on_readable(std::size_t slot);
  void queue(std::size_t slot, std::string_view bytes);
  void flush(std::size_t slot);
  void drop(std::size_t slot);
  void set_writing(std::size_t slot, bool on);

  chat::UniqueFd listener_;
  bool relay_;
  chat::UniqueFd epoll_;
  std::vector<std::unique_ptr<Conn>> conns_;  // slot = index; nullptr when free
  std::vector<std::size_t> live_;             // slots in use, for broadcasting
  std::vector<char> buf_ = std::vector<char>(kReadSize);
  std::string joined_;  // tail + new bytes when a line spans reads
};

constexpr std::uint64_t kListenerTag = ~std::uint64_t{0};

int Sink::run(double timeout_s) {
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenerTag;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, listener_.get(), &ev);
  timespec start{};
  ::clock_gettime(CLOCK_MONOTONIC, &start);
  std::vector<epoll_event> events(1024);
  while (!g_stop) {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    if (static_cast<double>(now.tv_sec - start.tv_sec) > timeout_s) break;
    const int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), 200);
    for (int i = 0; i < n; ++i) {
      const epoll_event& e = events[static_cast<std::size_t>(i)];
      if (e.data.u64 == kListenerTag) {
        accept_all();
        continue;
      }
      const auto slot = static_cast<std::size_t>(e.data.u64);
      if (!conns_[slot]) continue;
      if (e.events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(slot);
      if (conns_[slot] && (e.events & EPOLLOUT)) flush(slot);
    }
  }
  return 0;
}

void Sink::accept_all() {
  for (;;) {
    const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::size_t slot = 0;
    while (slot < conns_.size() && conns_[slot]) ++slot;
    if (slot == conns_.size()) conns_.emplace_back();
    conns_[slot] = std::make_unique<Conn>();
    conns_[slot]->fd.reset(fd);
    live_.push_back(slot);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = slot;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev);
  }
}

void Sink::on_readable(std::size_t slot) {
  Conn& c = *conns_[slot];
  const ssize_t n = ::recv(c.fd.get(), buf_.data(), buf_.size(), 0);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    drop(slot);
    return;
  }
  if (n < 0 || !relay_) return;
  const std::string_view chunk(buf_.data(), static_cast<std::size_t>(n));
  const auto last_nl = chunk.rfind('\n');
  if (last_nl == std::string_view::npos) {
    c.tail.append(chunk);
    return;
  }
  std::string_view lines = chunk.substr(0, last_nl + 1);
  if (!c.tail.empty()) {
    joined_.assign(c.tail);
    joined_.append(lines);
    lines = joined_;
  }
  c.tail.assign(chunk.substr(last_nl + 1));
  // Copy: drop() below may reorder live_.
  const std::vector<std::size_t> targets = live_;
  for (const std::size_t other : targets) {
    if (other != slot && conns_[other]) queue(other, lines);
  }
}

void Sink::queue(std::size_t slot, std::string_view bytes) {
  Conn& c = *conns_[slot];
  if (c.out.size() - c.out_off + bytes.size() > kMaxQueued) {
    std::fprintf(stderr, "flood_sink: dropping a receiver more than %zu bytes behind\n", kMaxQueued);
    drop(slot);
    return;
  }
  c.out.append(bytes);
  flush(slot);
}

void Sink::flush(std::size_t slot) {
  Conn& c = *conns_[slot];
  while (c.out_off < c.out.size()) {
    const ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        set_writing(slot, true);
        return;
      }
      drop(slot);
      return;
    }
    c.out_off += static_cast<std::size_t>(n);
  }
  c.out.clear();
  c.out_off = 0;
  set_writing(slot, false);
}

void Sink::set_writing(std::size_t slot, bool on) {
  Conn& c = *conns_[slot];
  if (c.writing == on) return;
  epoll_event ev{};
  ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
  ev.data.u64 = slot;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev);
  c.writing = on;
}

void Sink::drop(std::size_t slot) {
  conns_[slot].reset();
  for (std::size_t i = 0; i < live_.size(); ++i) {
    if (live_[i] == slot) {
      live_[i] = live_.back();
      live_.pop_back();
      break;
    }
  }
}

bool parse_number(std::string_view text, double& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size() && out >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  double port = 0;
  double timeout = 600;
  bool relay = true;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help") {
      std::puts("usage: flood_sink [--host H] [--port P] [--mode relay|discard] [--timeout S]");
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "flood_sink: missing value for %s\n", argv[i]);
      return 2;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    if (flag == "--host") {
      host = value;
    } else if (flag == "--port") {
      ok = parse_number(value, port) && port <= 65535;
    } else if (flag == "--timeout") {
      ok = parse_number(value, timeout) && timeout > 0;
    } else if (flag == "--mode") {
      ok = value == "relay" || value == "discard";
      relay = value == "relay";
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "flood_sink: bad option %s %s\n", argv[i - 1], argv[i]);
      return 2;
    }
  }

  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);

  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof *v4;
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof *v6;
  } else {
    std::fprintf(stderr, "flood_sink: not a numeric address: %s\n", host.c_str());
    return 2;
  }
  chat::UniqueFd listener(::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  const int one = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (!listener || ::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listener.get(), 4096) != 0) {
    std::fprintf(stderr, "flood_sink: cannot listen on %s port %g: %s\n", host.c_str(), port, std::strerror(errno));
    return 1;
  }
  len = sizeof addr;
  ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  const unsigned bound = ntohs(addr.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
  std::printf("flood_sink listening on %s:%u\n", host.c_str(), bound);
  std::fflush(stdout);
  return Sink(std::move(listener), relay).run(timeout);
}
