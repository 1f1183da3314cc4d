#include "load.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "histogram.h"
#include "payload.h"
#include "proc_stats.h"
#include "tls_client_context.h"
#include "unique_fd.h"
#include "ws_client.h"

namespace flood {
namespace {

// Points a resolved address at another port (--ports: one host, N servers).
void set_port(sockaddr_storage& addr, std::uint16_t port) {
  if (addr.ss_family == AF_INET) reinterpret_cast<sockaddr_in&>(addr).sin_port = htons(port);
  if (addr.ss_family == AF_INET6) reinterpret_cast<sockaddr_in6&>(addr).sin6_port = htons(port);
}

using Nanos = std::int64_t;

Nanos now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return Nanos{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

double to_seconds(Nanos ns) { return static_cast<double>(ns) / 1e9; }

constexpr std::size_t kReadSize = 64 * 1024;
constexpr int kMaxEvents = 1024;
constexpr Nanos kProbeEvery = 200'000'000;      // barrier probes are repeated until all saw one
constexpr Nanos kProgressEvery = 1'000'000'000;  // stderr progress cadence ...
constexpr Nanos kProgressAfter = 3'000'000'000;  // ... once a run is this long
constexpr std::size_t kMaxPendingOut = 4 << 20;  // open loop: stop composing for a sender this far behind
constexpr std::size_t kMaxLastSeenEntries = std::size_t{1} << 28;  // clients x senders bookkeeping cap
// A line-protocol connection counts against --connect-batch until the server
// has sent it something (it was accepted, not just queued in the backlog),
// or this long after the TCP connect for servers that greet nobody.
constexpr Nanos kSilentServerGrace = 1'000'000'000;

// upgrading: --protocol ws, the GET /ws sent, its 101 not yet read.
enum class State : std::uint8_t { idle, connecting, handshaking, upgrading, registering, joining, joined, closed };
enum class Phase { connecting, barrier, measuring, done };

struct Client {
  chat::UniqueFd fd;
  chat::tls::Stream tls;  // --tls; freed before fd is closed (close_client)
  std::string carry;  // an incomplete line left from the last read
  std::string out;    // bytes not yet accepted by the kernel
  std::size_t out_off = 0;
  State state = State::idle;
  bool writing = false;   // EPOLLOUT armed
  bool skipping = false;  // discarding an overlong line up to its newline
  std::uint64_t ws_skip = 0;  // --protocol ws: bytes still to discard of an overlong frame
  bool settled = false;     // the server is serving it (see kSilentServerGrace)
  std::uint8_t probes = 0;  // bit 0: saw client 0's probe; bit 1: saw client 1's
  Nanos connected_at = 0;
};

struct Sender {
  std::uint32_t sent = 0;    // also the next sequence number
  std::uint32_t done = 0;    // closed loop: first message not yet delivered to everyone
  std::uint32_t target = 0;  // messages to send in all
  bool queued = false;       // in the to-service list
};

// What one receiving thread owns: its read buffer and what it counted. The
// main thread has one; --threads N adds N - 1 helpers, each with its own
// epoll set and share of the receiving clients, merged into Results at the end.
struct Worker {
  bool main = true;
  std::vector<char> buf;
  std::uint64_t deliveries = 0, duplicates = 0, echoes = 0, garbled = 0, gaps = 0, disconnected = 0, notices = 0;
  std::string first_notice;
  Histogram latency;
  Nanos last_delivery = 0;
  // helpers only
  chat::UniqueFd epoll;
  std::atomic<std::uint64_t> published{0};  // deliveries so far, read by the main thread
  std::atomic<Nanos> published_last{0};     // last_delivery, read by the main thread
  std::jthread thread;                      // last: joined before the rest goes
};

constexpr std::uint64_t kWakeTag = ~std::uint64_t{0};

class Load {
 public:
  explicit Load(const Options& o) : o_(o) {}

  Results run();

 private:
  // setup
  bool raise_fd_limit();
  bool resolve();
  void start_connects();
  void on_connected(std::uint32_t id, Nanos now);
  void begin_session(std::uint32_t id);
  void step_handshake(std::uint32_t id, Nanos now);
  ssize_t receive(Client& c, char* buf, std::size_t len);
  ssize_t transmit(Client& c);
  void settle(std::uint32_t id);
  void settle_silent(Nanos now);

  // I/O
  void on_event(std::uint32_t id, std::uint32_t events, Nanos now);
  void on_readable(Worker& w, std::uint32_t id, Nanos now);
  void read_once(Worker& w, std::uint32_t id, Nanos now);
  void read_frames(Worker& w, std::uint32_t id, const char* fresh, std::size_t n, Nanos now);
  void on_line(Worker& w, std::uint32_t id, std::string_view line, Nanos now);
  void on_control_line(Worker& w, std::uint32_t id, std::string_view line, Nanos now);
  void on_irc_line(std::uint32_t id, std::string_view line, Nanos now);
  void on_payload(Worker& w, std::uint32_t id, const Payload& p, Nanos now);
  void advance(std::uint32_t sid);
  void wake_main();
  void on_wake();
  void start_helpers();
  void helper_loop(Worker& w, const std::stop_token& stop);
  void stop_helpers();
  [[nodiscard]] std::uint64_t total_deliveries() const;
  void send_text(std::uint32_t id, std::string_view text);
  void send_frame(std::uint32_t id, ws::Opcode opcode, std::string_view payload);
  [[nodiscard]] ws::Mask next_mask();
  void append_payload(std::uint32_t id, const Payload& p);
  void flush(std::uint32_t id);
  void set_writing(std::uint32_t id, bool on);
  void close_client(Worker& w, std::uint32_t id, const char* why);

  // phases
  void send_probes(Nanos now);
  void start_measuring(Nanos now);
  void service_closed_loop(Nanos now);
  void service_open_loop(Nanos now);
  [[nodiscard]] Nanos next_open_send() const;
  [[nodiscard]] bool all_sent() const { return senders_done_ == o_.senders; }
  void note_sent(Sender& s, std::uint32_t count);
  // Clients that receive `sender`'s messages: its room but itself.
  [[nodiscard]] std::uint32_t receivers_of(std::uint32_t sender) const;
  void progress(Nanos now);
  void fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
  }

  const Options& o_;
  std::string error_;
  sockaddr_storage addr_{};
  socklen_t addr_len_ = 0;
  chat::UniqueFd epoll_;
  chat::tls::ContextPtr tls_;  // --tls
  std::vector<Client> clients_;
  std::vector<Sender> senders_;
  std::vector<std::uint32_t> to_service_;
  // closed loop: receipts per (sender, seq % window); atomic because with
  // --threads every thread counts its receivers' receipts
  std::unique_ptr<std::atomic<std::uint32_t>[]> ring_;
  std::vector<std::uint32_t> last_seen_;  // (receiver, sender) -> last seq + 1
  Worker main_;                                  // the main thread's reads and counts
  std::vector<std::unique_ptr<Worker>> helpers_;  // --threads N: N - 1 of them
  chat::UniqueFd wake_;                           // helpers -> main: a message completed
  std::atomic<bool> wake_pending_{false};
  std::size_t carry_cap_ = 0;
  std::string irc_prefix_;  // "PRIVMSG #flood :"
  std::string_view eol_ = "\n";
  std::string ws_key_, ws_accept_;  // --protocol ws: one key for every client (a load tool)
  std::uint64_t mask_state_ = 0;    // xorshift64 for the client frames' masks (main thread only)

  Phase phase_ = Phase::connecting;
  std::uint32_t next_connect_ = 0;
  std::uint32_t connecting_ = 0;  // connects in progress, counted until settled
  std::deque<std::uint32_t> unsettled_;  // connected line clients, in connect order
  std::uint32_t connected_ = 0;
  std::uint32_t joined_ = 0;
  std::uint32_t barrier_ok_ = 0;
  std::uint32_t probe_round_ = 0;
  Nanos last_probe_ = 0;
  std::uint32_t senders_done_ = 0;
  std::uint64_t total_sent_ = 0;
  std::uint64_t total_expected_ = 0;  // deliveries owed for what was sent

  // open loop: message g goes from sender g % K as its sequence g / K at
  // start + g / rate, so the senders interleave evenly.
  std::uint64_t open_next_ = 0;
  std::uint64_t open_total_ = 0;
  double open_interval_ns_ = 0;

  Nanos start_ = 0, deadline_ = 0, measure_start_ = 0;
  Nanos last_progress_ = 0, last_report_ = 0;
  std::optional<double> server_cpu_start_;
  double own_cpu_start_ = 0;

  Results r_;
};

bool Load::raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return true;
  const rlim_t want = rlim_t{o_.clients} + 64;
  if (lim.rlim_cur < want) {
    lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min(lim.rlim_max, std::max(want, lim.rlim_cur));
    ::setrlimit(RLIMIT_NOFILE, &lim);
    ::getrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur < want) {
    fail("need " + std::to_string(want) + " file descriptors, the limit is " + std::to_string(lim.rlim_cur));
    return false;
  }
  return true;
}

bool Load::resolve() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(o_.port);
  if (const int rc = ::getaddrinfo(o_.host.c_str(), port.c_str(), &hints, &found); rc != 0 || !found) {
    fail("cannot resolve " + o_.host + ": " + ::gai_strerror(rc));
    return false;
  }
  std::memcpy(&addr_, found->ai_addr, found->ai_addrlen);
  addr_len_ = found->ai_addrlen;
  ::freeaddrinfo(found);
  return true;
}

void Load::start_connects() {
  while (connecting_ < o_.connect_batch && next_connect_ < o_.clients && error_.empty()) {
    const std::uint32_t id = next_connect_++;
    Client& c = clients_[id];
    c.fd.reset(::socket(addr_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!c.fd) {
      fail(std::string("socket: ") + std::strerror(errno));
      return;
    }
    const int one = 1;
    ::setsockopt(c.fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_storage addr = addr_;
    set_port(addr, port_of_client(o_, id));
    if (::connect(c.fd.get(), reinterpret_cast<const sockaddr*>(&addr), addr_len_) != 0 && errno != EINPROGRESS) {
      fail("cannot connect to " + o_.host + " port " + std::to_string(port_of_client(o_, id)) + ": " +
           std::strerror(errno));
      return;
    }
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u64 = id;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, c.fd.get(), &ev);
    c.state = State::connecting;
    c.writing = true;
    ++connecting_;
  }
}

void Load::on_connected(std::uint32_t id, Nanos now) {
  Client& c = clients_[id];
  ++connected_;
  last_progress_ = now;
  c.connected_at = now;
  set_writing(id, false);
  if (o_.protocol == Protocol::ws) {
    // The upgrade first; the session begins with its 101 (read_frames).
    c.state = State::upgrading;
    const std::uint16_t port = port_of_client(o_, id);
    const std::string host = o_.host.find(':') == std::string::npos ? o_.host : "[" + o_.host + "]";
    c.out.append(ws::upgrade_request(host + ":" + std::to_string(port), "/ws", ws_key_, "chat.lines"));
    flush(id);
    return;
  }
  begin_session(id);
}

// The protocol's own start: IRC registration, a /join, or nothing.
void Load::begin_session(std::uint32_t id) {
  Client& c = clients_[id];
  if (o_.protocol == Protocol::irc) {
    c.state = State::registering;  // settled once joined
    const std::string nick = "fl" + std::to_string(id);
    send_text(id, "NICK " + nick + "\r\nUSER " + nick + " 0 * :flood\r\n");
  } else if (o_.rooms > 1) {
    // Joined (and proven a member) once chatd confirms the room.
    c.state = State::joining;
    send_text(id, "/join #flood" + std::to_string(id % o_.rooms) + "\n");
  } else {
    // The line protocol has no handshake; the barrier proves membership.
    c.state = State::joined;
    ++joined_;
    unsettled_.push_back(id);
  }
}

// One non-blocking SSL_connect step; epoll interest follows what it wants.
void Load::step_handshake(std::uint32_t id, Nanos now) {
  Client& c = clients_[id];
  const chat::tls::Result step = c.tls.handshake();
  if (step.status == chat::tls::Status::done) {
    on_connected(id, now);  // sets the interest back to EPOLLIN
    return;
  }
  if (step.status == chat::tls::Status::want_read || step.status == chat::tls::Status::want_write) {
    const bool out = step.status == chat::tls::Status::want_write;
    epoll_event ev{};
    ev.events = EPOLLIN | (out ? EPOLLOUT : 0u);
    ev.data.u64 = id;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev);
    c.writing = out;
    return;
  }
  const std::string endpoint = o_.host + " port " + std::to_string(o_.port);
  fail("TLS: " + chat::tls::handshake_failure(c.tls, step, endpoint));
}

// recv() or SSL_read(), with recv()'s contract: > 0 bytes, 0 the end, -1 and
// errno EAGAIN when nothing is there yet (or TLS needs more of a record).
ssize_t Load::receive(Client& c, char* buf, std::size_t len) {
  if (!c.tls) return ::recv(c.fd.get(), buf, len, 0);
  const chat::tls::Result r = c.tls.read(std::span<char>(buf, len));
  switch (r.status) {
    case chat::tls::Status::done: return static_cast<ssize_t>(r.bytes);
    case chat::tls::Status::want_read:
    case chat::tls::Status::want_write:  // a reply (key update) waits for the socket; retried on the next event
      errno = EAGAIN;
      return -1;
    case chat::tls::Status::closed: return 0;
    case chat::tls::Status::error: break;
  }
  errno = ECONNRESET;
  return -1;
}

// send() or SSL_write() of c.out from c.out_off, with send()'s contract.
ssize_t Load::transmit(Client& c) {
  const std::size_t left = c.out.size() - c.out_off;
  if (!c.tls) return ::send(c.fd.get(), c.out.data() + c.out_off, left, MSG_NOSIGNAL);
  const chat::tls::Result r = c.tls.write(std::span<const char>(c.out.data() + c.out_off, left));
  switch (r.status) {
    case chat::tls::Status::done: return static_cast<ssize_t>(r.bytes);
    case chat::tls::Status::want_read:  // EPOLLIN is always armed; the next read lets it on
    case chat::tls::Status::want_write:
      errno = EAGAIN;
      return -1;
    case chat::tls::Status::closed:
    case chat::tls::Status::error: break;
  }
  errno = EPIPE;
  return -1;
}

void Load::settle(std::uint32_t id) {
  Client& c = clients_[id];
  if (c.settled) return;
  c.settled = true;
  --connecting_;
  start_connects();
}

void Load::settle_silent(Nanos now) {
  while (!unsettled_.empty()) {
    const std::uint32_t id = unsettled_.front();
    if (!clients_[id].settled) {
      if (now - clients_[id].connected_at < kSilentServerGrace) return;
      settle(id);
    }
    unsettled_.pop_front();
  }
}

void Load::set_writing(std::uint32_t id, bool on) {
  Client& c = clients_[id];
  if (c.writing == on || !c.fd) return;
  epoll_event ev{};
  ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
  ev.data.u64 = id;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev);
  c.writing = on;
}

void Load::close_client(Worker& w, std::uint32_t id, const char* why) {
  Client& c = clients_[id];
  if (c.state == State::closed) return;
  c.state = State::closed;
  ++w.disconnected;
  c.tls = {};
  c.fd.reset();  // closing removes it from the epoll set
  if (!w.main) return;  // helpers run only while measuring: every client was settled
  if (!c.settled) {
    c.settled = true;
    --connecting_;
  }
  if (phase_ == Phase::connecting || phase_ == Phase::barrier) {
    std::string msg = "client " + std::to_string(id) + " " + why + " before every client joined";
    if (!w.first_notice.empty()) msg += " (server said: " + w.first_notice + ")";
    fail(msg);
  }
}

void Load::on_event(std::uint32_t id, std::uint32_t events, Nanos now) {
  if (id == static_cast<std::uint32_t>(kWakeTag)) {
    on_wake();
    return;
  }
  Client& c = clients_[id];
  if (c.state == State::closed) return;
  if (c.state == State::connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      fail("cannot connect to " + o_.host + " port " + std::to_string(port_of_client(o_, id)) + ": " +
           std::strerror(err));
      return;
    }
    if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    if (!tls_) {
      on_connected(id, now);
      return;
    }
    auto made = chat::tls::open_client_stream(tls_.get(), c.fd.get(), o_.host);
    if (auto* e = std::get_if<chat::tls::TlsError>(&made)) {
      fail("TLS: " + e->message);
      return;
    }
    c.tls = std::move(std::get<chat::tls::Stream>(made));
    c.state = State::handshaking;
  }
  if (c.state == State::handshaking) {
    step_handshake(id, now);
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(main_, id, now);
  if ((events & EPOLLOUT) && clients_[id].state != State::closed) flush(id);
}

// The carry (a partial line or frame) is copied back in front of `fresh`,
// into the room the read left for it, so what follows parses in place;
// returns where the bytes now begin.
const char* take_carry(Client& c, const char* fresh) {
  if (c.carry.empty()) return fresh;
  const char* begin = fresh - c.carry.size();
  std::memcpy(const_cast<char*>(begin), c.carry.data(), c.carry.size());
  c.carry.clear();
  return begin;
}

void Load::on_readable(Worker& w, std::uint32_t id, Nanos now) {
  // TLS may hold decrypted bytes that epoll cannot see: read until it holds none.
  do {
    read_once(w, id, now);
  } while (clients_[id].tls && clients_[id].state != State::closed && clients_[id].tls.pending() > 0);
}

void Load::read_once(Worker& w, std::uint32_t id, Nanos now) {
  Client& c = clients_[id];
  // Read behind a gap as big as the longest carry, then put the carry right
  // before the new bytes: lines are scanned in place, never copied again.
  char* const fresh = w.buf.data() + carry_cap_;
  const ssize_t n = receive(c, fresh, kReadSize);
  if (n == 0) {
    close_client(w, id, "was closed by the server");
    return;
  }
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    close_client(w, id, "was reset");
    return;
  }
  if (o_.ack == Ack::quick) {
    // The kernel leaves quick-ACK mode on its own; re-arm it so the next
    // segment is acknowledged at once rather than after up to 40 ms. A
    // server with Nagle on waits for that ACK before it sends more.
    const int one = 1;
    ::setsockopt(c.fd.get(), IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
  }
  if (o_.protocol == Protocol::ws) {
    read_frames(w, id, fresh, static_cast<std::size_t>(n), now);
    return;
  }
  if (!c.settled && o_.protocol == Protocol::line) settle(id);  // irc: settled once joined
  const char* begin = take_carry(c, fresh);
  const char* const end = fresh + n;
  const char* p = begin;
  while (p < end) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (!nl) break;
    if (c.skipping) {
      c.skipping = false;
    } else {
      std::size_t len = static_cast<std::size_t>(nl - p);
      if (len > 0 && p[len - 1] == '\r') --len;
      on_line(w, id, std::string_view(p, len), now);
      if (clients_[id].state == State::closed) return;
    }
    p = nl + 1;
  }
  const auto rest = static_cast<std::size_t>(end - p);
  if (rest == 0 || c.skipping) return;
  if (rest > carry_cap_) {
    // Longer than any line we would send plus any prefix: count it once and
    // drop it up to its newline rather than buffer without bound.
    ++w.garbled;
    c.skipping = true;
    return;
  }
  c.carry.assign(p, rest);
}

// --protocol ws: the 101, then server frames, each text frame one line.
// Frames are decoded in place behind the carry, like lines.
void Load::read_frames(Worker& w, std::uint32_t id, const char* fresh, std::size_t n, Nanos now) {
  Client& c = clients_[id];
  const char* begin = take_carry(c, fresh);
  const char* const end = fresh + n;
  const char* p = begin;
  auto left = [&] { return static_cast<std::size_t>(end - p); };
  if (c.state == State::upgrading) {
    const ws::Upgrade u = ws::check_upgrade(std::string_view(p, left()), ws_accept_);
    if (u.status == ws::Upgrade::Status::incomplete) {
      c.carry.assign(p, left());
      return;
    }
    if (u.status == ws::Upgrade::Status::refused) {
      fail("client " + std::to_string(id) + ": the WebSocket upgrade was refused: " + u.why);
      return;
    }
    p += u.head_size;
    settle(id);
    begin_session(id);
  }
  while (p < end) {
    if (c.ws_skip > 0) {
      const std::size_t skip = static_cast<std::size_t>(std::min<std::uint64_t>(c.ws_skip, left()));
      p += skip;
      c.ws_skip -= skip;
      continue;
    }
    const ws::FrameHead h = ws::parse_server_head(std::string_view(p, left()));
    if (h.status == ws::FrameHead::Status::incomplete) break;
    if (h.status == ws::FrameHead::Status::bad) {
      ++w.garbled;
      close_client(w, id, "sent a malformed WebSocket frame");
      return;
    }
    if (h.length > carry_cap_ - h.header_size) {
      // Longer than any line we would send plus any prefix: counted once
      // and skipped by its length rather than buffered without bound.
      ++w.garbled;
      p += h.header_size;
      c.ws_skip = h.length;
      continue;
    }
    if (left() < h.header_size + h.length) break;
    const std::string_view payload(p + h.header_size, static_cast<std::size_t>(h.length));
    p += h.header_size + h.length;
    switch (h.opcode) {
      case ws::Opcode::text:
        if (h.fin) {
          on_line(w, id, payload, now);
        } else {
          ++w.garbled;  // chatd sends every line as one frame
        }
        break;
      case ws::Opcode::ping:
        if (w.main) send_frame(id, ws::Opcode::pong, payload);  // --threads is line only
        break;
      case ws::Opcode::close:
        close_client(w, id, "was closed by the server (WebSocket close)");
        break;
      case ws::Opcode::pong:
        break;
      case ws::Opcode::continuation:
      case ws::Opcode::binary:
        ++w.garbled;
        break;
    }
    if (clients_[id].state == State::closed) return;
  }
  if (p < end) c.carry.assign(p, left());  // a partial frame: at most carry_cap_ bytes
}

void Load::on_line(Worker& w, std::uint32_t id, std::string_view line, Nanos now) {
  const DecodedLine d = decode_line(line, o_.size);
  switch (d.kind) {
    case LineKind::payload:
      on_payload(w, id, d.payload, now);
      break;
    case LineKind::garbled:
      ++w.garbled;
      break;
    case LineKind::other:
      on_control_line(w, id, line, now);
      break;
  }
}

void Load::on_control_line(Worker& w, std::uint32_t id, std::string_view line, Nanos now) {
  if (o_.protocol == Protocol::irc) {  // never on a helper: --threads is line only
    on_irc_line(id, line, now);
    return;
  }
  Client& c = clients_[id];
  // --rooms is main-thread only (--threads 1), so these counters are ours.
  if (c.state == State::joining && line.starts_with("> You are now in #flood")) {
    c.state = State::joined;
    ++joined_;
    ++barrier_ok_;  // with rooms, chatd's confirmation is the barrier
    last_progress_ = now;
    return;
  }
  // chatd's errors and warnings ("! server full", "! 12 messages skipped ...")
  if (line.starts_with("! ")) {
    ++w.notices;
    if (w.first_notice.empty()) w.first_notice = std::string(line.substr(0, 200));
  }
}

void Load::on_irc_line(std::uint32_t id, std::string_view line, Nanos now) {
  std::string_view rest = line;
  if (rest.starts_with(':')) {
    const auto space = rest.find(' ');
    if (space == std::string_view::npos) return;
    rest.remove_prefix(space + 1);
  }
  const auto space = rest.find(' ');
  const std::string_view command = rest.substr(0, space);
  const std::string_view params = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  Client& c = clients_[id];
  if (command == "PING") {
    send_text(id, "PONG " + std::string(params) + "\r\n");
  } else if (command == "001" && c.state == State::registering) {
    c.state = State::joining;
    send_text(id, "JOIN " + o_.channel + "\r\n");
  } else if (command == "366" && c.state == State::joining) {  // end of NAMES: the join is complete
    c.state = State::joined;
    ++joined_;
    last_progress_ = now;
    settle(id);
  } else if (command == "ERROR" || (command.size() == 3 && (command[0] == '4' || command[0] == '5'))) {
    ++main_.notices;
    if (main_.first_notice.empty()) main_.first_notice = std::string(line.substr(0, 200));
    if (c.state != State::joined) fail("client " + std::to_string(id) + " could not join: " + std::string(line.substr(0, 200)));
  }
}

void Load::on_payload(Worker& w, std::uint32_t id, const Payload& p, Nanos now) {
  if (p.kind == Kind::probe) {
    if (!w.main) return;  // late probes after the barrier
    Client& c = clients_[id];
    const std::uint8_t before = c.probes;
    if (p.sender == 0 && id != 0) c.probes |= 1;
    if (p.sender == 1 && id == 0) c.probes |= 2;
    if (before == 0 && c.probes != 0) {
      ++barrier_ok_;
      last_progress_ = now;
    }
    return;
  }
  // A helper may not read what the main thread is changing (phase, sent):
  // it checks against the plan, fixed before it started.
  if (p.sender >= o_.senders ||
      (w.main ? phase_ == Phase::connecting || phase_ == Phase::barrier || p.seq >= senders_[p.sender].sent
              : p.seq >= senders_[p.sender].target)) {
    ++w.garbled;  // claims a message nobody sent
    return;
  }
  if (p.sender == id) {
    ++w.echoes;
    return;
  }
  std::uint32_t& last = last_seen_[std::size_t{id} * o_.senders + p.sender];
  if (p.seq < last) {  // last holds the highest seq seen + 1
    ++w.duplicates;
    return;
  }
  if (p.seq > last) ++w.gaps;
  last = p.seq + 1;
  ++w.deliveries;
  w.last_delivery = now;
  if (w.main) last_progress_ = now;
  w.latency.record(now > static_cast<Nanos>(p.sent_ns) ? static_cast<std::uint64_t>(now - static_cast<Nanos>(p.sent_ns)) : 0);

  if (!o_.open_loop()) {
    // Each receiver counts a message once (duplicates stop above), so the
    // count reaching C - 1 means everyone has it.
    std::atomic<std::uint32_t>& slot = ring_[std::size_t{p.sender} * o_.window + p.seq % o_.window];
    if (slot.fetch_add(1, std::memory_order_acq_rel) + 1 < receivers_of(p.sender)) return;
    if (w.main) {
      advance(p.sender);
    } else {
      wake_main();
    }
  }
}

// Main thread: move the sender's window past every message all receivers
// have, and queue the sender to refill it.
void Load::advance(std::uint32_t sid) {
  Sender& s = senders_[sid];
  const std::size_t base = std::size_t{sid} * o_.window;
  const std::uint32_t receivers = receivers_of(sid);
  bool advanced = false;
  while (s.done < s.sent && ring_[base + s.done % o_.window].load(std::memory_order_acquire) >= receivers) {
    ring_[base + s.done % o_.window].store(0, std::memory_order_relaxed);
    ++s.done;
    advanced = true;
  }
  if (advanced && !s.queued && s.sent < s.target) {
    s.queued = true;
    to_service_.push_back(sid);
  }
}

void Load::wake_main() {
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;  // one wake-up in flight is enough
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(wake_.get(), &one, sizeof one);
}

void Load::on_wake() {
  std::uint64_t count = 0;
  [[maybe_unused]] const auto n = ::read(wake_.get(), &count, sizeof count);
  wake_pending_.store(false, std::memory_order_release);  // before the scan: a later completion wakes us again
  for (std::uint32_t sid = 0; sid < o_.senders; ++sid) advance(sid);
}

// --threads N: after the barrier, receiving clients (never senders, which
// stay with the main thread) move round-robin to N - 1 helper threads.
void Load::start_helpers() {
  wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!wake_) {
    fail(std::string("eventfd: ") + std::strerror(errno));
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeTag;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev);
  for (std::uint32_t t = 1; t < o_.threads; ++t) {
    auto w = std::make_unique<Worker>();
    w->main = false;
    w->buf.resize(main_.buf.size());
    w->epoll.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!w->epoll) {
      fail(std::string("epoll_create1: ") + std::strerror(errno));
      return;
    }
    helpers_.push_back(std::move(w));
  }
  for (std::uint32_t id = o_.senders; id < o_.clients; ++id) {
    const std::uint32_t t = id % o_.threads;
    Client& c = clients_[id];
    if (t == 0 || c.state == State::closed || c.writing) continue;  // a receiver never writes after the barrier
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
    epoll_event rev{};
    rev.events = EPOLLIN;
    rev.data.u64 = id;
    ::epoll_ctl(helpers_[t - 1]->epoll.get(), EPOLL_CTL_ADD, c.fd.get(), &rev);
  }
  for (auto& w : helpers_) {
    Worker* const wp = w.get();
    wp->thread = std::jthread([this, wp](const std::stop_token& stop) { helper_loop(*wp, stop); });
  }
}

void Load::helper_loop(Worker& w, const std::stop_token& stop) {
  std::vector<epoll_event> events(kMaxEvents);
  while (!stop.stop_requested()) {
    const int n = ::epoll_wait(w.epoll.get(), events.data(), kMaxEvents, 50);
    if (n <= 0) continue;
    const Nanos now = now_ns();
    for (int i = 0; i < n; ++i) {
      const epoll_event& e = events[static_cast<std::size_t>(i)];
      const auto id = static_cast<std::uint32_t>(e.data.u64);
      if (clients_[id].state != State::closed && (e.events & (EPOLLIN | EPOLLERR | EPOLLHUP))) on_readable(w, id, now);
    }
    w.published.store(w.deliveries, std::memory_order_relaxed);
    w.published_last.store(w.last_delivery, std::memory_order_relaxed);
  }
}

void Load::stop_helpers() {
  for (auto& w : helpers_) {
    w->thread.request_stop();
    if (w->thread.joinable()) w->thread.join();
  }
}

std::uint64_t Load::total_deliveries() const {
  std::uint64_t n = main_.deliveries;
  for (const auto& w : helpers_) n += w->published.load(std::memory_order_relaxed);
  return n;
}

void Load::send_text(std::uint32_t id, std::string_view text) {
  if (o_.protocol == Protocol::ws) {  // one line ("/join #flood3\n") per text frame
    if (text.ends_with('\n')) text.remove_suffix(1);
    send_frame(id, ws::Opcode::text, text);
    return;
  }
  Client& c = clients_[id];
  c.out.append(text);
  flush(id);
}

void Load::send_frame(std::uint32_t id, ws::Opcode opcode, std::string_view payload) {
  ws::append_client_frame(clients_[id].out, opcode, payload, next_mask());
  flush(id);
}

ws::Mask Load::next_mask() {
  mask_state_ ^= mask_state_ << 13;
  mask_state_ ^= mask_state_ >> 7;
  mask_state_ ^= mask_state_ << 17;
  const auto m = mask_state_;
  return {static_cast<unsigned char>(m), static_cast<unsigned char>(m >> 8), static_cast<unsigned char>(m >> 16),
          static_cast<unsigned char>(m >> 24)};
}

void Load::append_payload(std::uint32_t id, const Payload& p) {
  Client& c = clients_[id];
  const std::size_t at = c.out.size();
  if (o_.protocol == Protocol::ws) {  // a masked text frame, no newline
    const std::size_t header = ws::client_header_size(o_.size);
    c.out.resize(at + header + o_.size);
    char* const o = c.out.data() + at;
    const ws::Mask mask = next_mask();
    ws::write_client_header(std::span<char>(o, header), ws::Opcode::text, o_.size, mask);
    encode_payload(std::span<char>(o + header, o_.size), p);
    ws::apply_mask(std::span<char>(o + header, o_.size), mask);
    return;
  }
  const std::size_t prefix = o_.protocol == Protocol::irc ? irc_prefix_.size() : 0;
  c.out.resize(at + prefix + o_.size + eol_.size());
  char* o = c.out.data() + at;
  if (prefix) std::memcpy(o, irc_prefix_.data(), prefix);
  encode_payload(std::span<char>(o + prefix, o_.size), p);
  std::memcpy(o + prefix + o_.size, eol_.data(), eol_.size());
}

void Load::flush(std::uint32_t id) {
  Client& c = clients_[id];
  while (c.out_off < c.out.size()) {
    const ssize_t n = transmit(c);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        set_writing(id, true);
        return;
      }
      close_client(main_, id, "could not be written to");  // only the main thread writes
      return;
    }
    c.out_off += static_cast<std::size_t>(n);
  }
  c.out.clear();  // keeps its capacity: no allocation per message
  c.out_off = 0;
  set_writing(id, false);
}

void Load::send_probes(Nanos now) {
  if (o_.rooms > 1) return;  // each client's join confirmation proved it a member
  for (std::uint32_t prober : {0u, 1u}) {
    if (clients_[prober].state == State::closed) continue;
    append_payload(prober, Payload{Kind::probe, prober, probe_round_, static_cast<std::uint64_t>(now)});
    flush(prober);
  }
  ++probe_round_;
  last_probe_ = now;
}

std::uint32_t Load::receivers_of(std::uint32_t sender) const {
  const std::uint32_t room = sender % o_.rooms;
  return o_.clients / o_.rooms + (room < o_.clients % o_.rooms ? 1 : 0) - 1;
}

void Load::note_sent(Sender& s, std::uint32_t count) {
  total_sent_ += count;
  total_expected_ += std::uint64_t{count} * receivers_of(static_cast<std::uint32_t>(&s - senders_.data()));
  if (s.sent == s.target) ++senders_done_;
}

void Load::start_measuring(Nanos now) {
  phase_ = Phase::measuring;
  r_.connect_s = to_seconds(now - start_);
  measure_start_ = now;
  last_progress_ = now;
  if (!o_.server_pids.empty()) server_cpu_start_ = read_cpu_seconds(o_.server_pids);
  own_cpu_start_ = own_cpu_seconds();
  unsettled_.clear();  // every client saw a probe, so every one is settled
  if (o_.threads > 1) start_helpers();
  for (std::uint32_t s = 0; s < o_.senders; ++s) {
    if (senders_[s].target == 0) ++senders_done_;
    if (!o_.open_loop()) {
      senders_[s].queued = true;
      to_service_.push_back(s);
    }
  }
}

void Load::service_closed_loop(Nanos now) {
  // One timestamp and one send() per sender per round: the window is
  // refilled as a batch.
  for (const std::uint32_t sid : to_service_) {
    Sender& s = senders_[sid];
    s.queued = false;
    if (clients_[sid].state == State::closed) continue;
    const std::uint32_t limit = std::min<std::uint64_t>(s.target, std::uint64_t{s.done} + o_.window);
    if (s.sent >= limit) continue;
    const std::uint32_t count = limit - s.sent;
    while (s.sent < limit) {
      append_payload(sid, Payload{Kind::message, sid, s.sent, static_cast<std::uint64_t>(now)});
      ++s.sent;
    }
    note_sent(s, count);
    last_progress_ = now;
    flush(sid);
  }
  to_service_.clear();
}

Nanos Load::next_open_send() const {
  return measure_start_ + static_cast<Nanos>(std::llround(static_cast<double>(open_next_) * open_interval_ns_));
}

void Load::service_open_loop(Nanos now) {
  // Every message carries its scheduled time, not the time it finally got
  // out: a stall anywhere shows up as latency instead of a silently lower
  // rate (no coordinated omission).
  while (open_next_ < open_total_) {
    const Nanos when = next_open_send();
    if (when > now) break;
    const auto sid = static_cast<std::uint32_t>(open_next_ % o_.senders);
    Sender& s = senders_[sid];
    Client& c = clients_[sid];
    if (c.state != State::closed && c.out.size() - c.out_off > kMaxPendingOut) break;  // wait for it to drain
    if (c.state != State::closed) {
      append_payload(sid, Payload{Kind::message, sid, s.sent, static_cast<std::uint64_t>(when)});
      if (!s.queued) {
        s.queued = true;
        to_service_.push_back(sid);
      }
    }
    ++s.sent;
    note_sent(s, 1);
    ++open_next_;
  }
  for (const std::uint32_t sid : to_service_) {
    senders_[sid].queued = false;
    if (clients_[sid].state != State::closed) flush(sid);
  }
  if (!to_service_.empty()) last_progress_ = now;
  to_service_.clear();
}

void Load::progress(Nanos now) {
  if (now - start_ < kProgressAfter || now - last_report_ < kProgressEvery) return;
  last_report_ = now;
  const double t = to_seconds(now - start_);
  if (phase_ == Phase::connecting || phase_ == Phase::barrier) {
    std::fprintf(stderr, "flood: %.1fs connecting: %u connected, %u joined, %u in the room of %u\n", t,
                 connected_, joined_, barrier_ok_, o_.clients);
    return;
  }
  const std::uint64_t sent = total_sent_;
  const double m = to_seconds(now - measure_start_);
  std::fprintf(stderr, "flood: %.1fs sending: sent %llu, delivered %llu of %llu (%.0f/s)\n", t,
               static_cast<unsigned long long>(sent), static_cast<unsigned long long>(total_deliveries()),
               static_cast<unsigned long long>(total_expected_),
               m > 0 ? static_cast<double>(total_deliveries()) / m : 0.0);
}

Results Load::run() {
  start_ = now_ns();
  deadline_ = start_ + static_cast<Nanos>(o_.timeout * 1e9);
  last_progress_ = start_;

  r_.clients = o_.clients;
  r_.senders = o_.senders;
  r_.size = o_.size;
  r_.protocol = o_.protocol == Protocol::irc ? "irc" : o_.protocol == Protocol::ws ? "ws" : "line";
  r_.mode = o_.open_loop() ? "open" : "closed";
  r_.window = o_.open_loop() ? 0 : o_.window;
  r_.rate = o_.rate;
  r_.duration = o_.duration;

  // Plan: how many messages each sender sends.
  std::uint64_t per_sender = o_.messages;
  if (o_.open_loop()) {
    const double planned = std::floor(o_.rate * o_.duration / o_.senders);
    per_sender = static_cast<std::uint64_t>(std::min(planned, 4294967295.0));
    if (o_.messages) per_sender = std::min(per_sender, o_.messages);
    open_total_ = per_sender * o_.senders;
    open_interval_ns_ = 1e9 / o_.rate;
  }
  r_.messages = per_sender;

  if (o_.protocol == Protocol::irc) {
    irc_prefix_ = "PRIVMSG " + o_.channel + " :";
    eol_ = "\r\n";
  }
  if (o_.protocol == Protocol::ws) {
    mask_state_ = static_cast<std::uint64_t>(now_ns()) | 1;  // xorshift must not start at 0
    ws_key_ = ws::make_key(mask_state_);
    ws_accept_ = ws::accept_key(ws_key_);
  }
  if (std::size_t{o_.clients} * o_.senders > kMaxLastSeenEntries) {
    fail("clients x senders is too large to track (max " + std::to_string(kMaxLastSeenEntries) + ")");
  }
  if (o_.senders < 1 || o_.clients < 2) fail("need at least 2 clients and 1 sender");
  if (error_.empty() && raise_fd_limit() && resolve()) {
    clients_.resize(o_.clients);
    senders_.resize(o_.senders);
    for (Sender& s : senders_) s.target = static_cast<std::uint32_t>(per_sender);
    last_seen_.assign(std::size_t{o_.clients} * o_.senders, 0);
    if (!o_.open_loop()) ring_ = std::make_unique<std::atomic<std::uint32_t>[]>(std::size_t{o_.senders} * o_.window);
    carry_cap_ = o_.size + 4096;  // our payload plus any prefix a server adds
    // ws: a frame header on top, and the 101's head may come in pieces
    if (o_.protocol == Protocol::ws) carry_cap_ = std::max(carry_cap_ + 14, ws::kMaxResponseHead + 4);
    main_.buf.resize(carry_cap_ + kReadSize);
    epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_) fail(std::string("epoll_create1: ") + std::strerror(errno));
  }
  if (error_.empty() && o_.tls) {
    // OpenSSL writes with write(), not send(MSG_NOSIGNAL): a server that
    // closes must be an error here, not the end of flood.
    ::signal(SIGPIPE, SIG_IGN);
    auto made = chat::tls::make_client_context({.ca_file = o_.ca, .verify = o_.ca.has_value()});
    if (auto* e = std::get_if<chat::tls::TlsError>(&made)) {
      fail("TLS: " + e->message);
    } else {
      tls_ = std::move(std::get<chat::tls::ContextPtr>(made));
    }
  }
  if (error_.empty()) start_connects();

  std::vector<epoll_event> events(kMaxEvents);
  while (error_.empty() && phase_ != Phase::done) {
    Nanos now = now_ns();
    // Sleep until something can happen: an event, the next scheduled send,
    // the next probe, the next progress line, or the deadline.
    Nanos wake = std::min(deadline_, now + 100'000'000);
    if (phase_ == Phase::measuring && o_.open_loop() && open_next_ < open_total_) wake = std::min(wake, next_open_send());
    if (phase_ == Phase::barrier) wake = std::min(wake, last_probe_ + kProbeEvery);
    if (!unsettled_.empty()) wake = std::min(wake, clients_[unsettled_.front()].connected_at + kSilentServerGrace);
    const Nanos wait = std::max<Nanos>(0, wake - now);
    const timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
    const int n = ::epoll_pwait2(epoll_.get(), events.data(), kMaxEvents, &ts, nullptr);
    if (n < 0 && errno != EINTR) {
      fail(std::string("epoll_pwait2: ") + std::strerror(errno));
      break;
    }
    now = now_ns();
    for (int i = 0; i < n && error_.empty(); ++i) {
      on_event(static_cast<std::uint32_t>(events[static_cast<std::size_t>(i)].data.u64),
               events[static_cast<std::size_t>(i)].events, now);
    }
    if (!error_.empty()) break;
    settle_silent(now);

    if (phase_ == Phase::connecting && joined_ == o_.clients) {
      phase_ = Phase::barrier;
      send_probes(now);
    }
    if (phase_ == Phase::barrier) {
      if (barrier_ok_ == o_.clients) {
        start_measuring(now);
      } else if (now - last_probe_ >= kProbeEvery) {
        send_probes(now);
      }
    }
    if (phase_ == Phase::measuring) {
      if (o_.open_loop()) {
        service_open_loop(now);
      } else if (!to_service_.empty()) {
        service_closed_loop(now);
      }
      if (all_sent() && total_deliveries() >= total_expected_) {
        phase_ = Phase::done;
        break;
      }
    }
    if (now >= deadline_) {
      r_.timed_out = true;
      break;
    }
    for (const auto& w : helpers_) last_progress_ = std::max(last_progress_, w->published_last.load(std::memory_order_relaxed));
    if (now - last_progress_ > static_cast<Nanos>(o_.idle * 1e9)) {
      r_.stalled = true;
      break;
    }
    progress(now);
  }

  const Nanos end = now_ns();
  stop_helpers();
  Nanos last_delivery = main_.last_delivery;
  Histogram latency = main_.latency;  // 59 KB, once
  std::vector<const Worker*> all{&main_};
  for (const auto& h : helpers_) all.push_back(h.get());
  for (const Worker* w : all) {
    r_.deliveries += w->deliveries;
    r_.duplicates += w->duplicates;
    r_.echoes += w->echoes;
    r_.garbled += w->garbled;
    r_.gaps += w->gaps;
    r_.disconnected += w->disconnected;
    r_.notices += w->notices;
    if (r_.first_notice.empty()) r_.first_notice = w->first_notice;
    last_delivery = std::max(last_delivery, w->last_delivery);
    if (w != &main_) latency.merge(w->latency);
  }
  r_.error = error_;
  for (const Sender& s : senders_) r_.sent += s.sent;
  r_.expected = total_expected_;
  r_.lost = r_.expected > r_.deliveries ? r_.expected - r_.deliveries : 0;
  if (measure_start_ != 0) {
    const Nanos finish = phase_ == Phase::done && last_delivery ? last_delivery : end;
    r_.seconds = to_seconds(finish - measure_start_);
    r_.deliveries_per_s = r_.seconds > 0 ? static_cast<double>(r_.deliveries) / r_.seconds : 0;
    r_.flood_cpu_s = own_cpu_seconds() - own_cpu_start_;
    if (!o_.server_pids.empty()) {
      const auto cpu = read_cpu_seconds(o_.server_pids);
      if (cpu && server_cpu_start_) r_.server_cpu_s = *cpu - *server_cpu_start_;
    }
  } else {
    r_.connect_s = to_seconds(end - start_);
  }
  if (!o_.server_pids.empty()) r_.server_rss_kb = read_status_kb(o_.server_pids, "VmHWM");
  r_.latency_samples = latency.count();
  auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e3; };
  r_.p50_us = us(latency.quantile(0.50));
  r_.p90_us = us(latency.quantile(0.90));
  r_.p99_us = us(latency.quantile(0.99));
  r_.p999_us = us(latency.quantile(0.999));
  r_.max_us = us(latency.max());
  r_.mean_us = latency.mean() / 1e3;
  return r_;
}

}  // namespace

Results run_load(const Options& options) {
  Load load(options);
  return load.run();
}

}  // namespace flood
