// The threads engine over TLS. The reader and the writer share one SSL
// object, which OpenSSL does not allow two threads to use at once: each
// SSL call is made under tls_mutex_ on a non-blocking socket, and a thread
// that must wait (want_read / want_write) waits in poll() after releasing
// the lock, so the other thread is never held up by it. The handshake is
// done before the connection gets its threads (threads/pending_handshakes.h).
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "base/server_log.h"
#include "threads/thread_connection.h"
#include "threads/thread_server.h"
#include "tls/tls_log_lines.h"

namespace chat {

namespace {

constexpr std::size_t kTlsRecord = 16 * 1024;

// A poll() timeout in ms for `seconds` (0: wait forever).
int timeout_ms(unsigned seconds) { return seconds == 0 ? -1 : static_cast<int>(seconds) * 1000; }

}  // namespace

bool ThreadConnection::await(tls::Status status, int timeout) const {
  pollfd p{fd_.get(), static_cast<short>(status == tls::Status::want_write ? POLLOUT : POLLIN), 0};
  while (true) {
    const int ready = ::poll(&p, 1, timeout);
    if (ready < 0 && errno == EINTR) continue;
    return ready != 0;  // an error shows on the next SSL call
  }
}

ssize_t ThreadConnection::read_tls(std::span<char> buffer) {
  while (true) {
    tls::Result r;
    {
      std::lock_guard lock(tls_mutex_);
      r = tls_.read(buffer);
    }
    switch (r.status) {
      case tls::Status::done:
        return static_cast<ssize_t>(r.bytes);
      case tls::Status::closed:
        return 0;
      case tls::Status::error:
        if (!r.socket_error) diagnostic("TLS error", "TLS error: " + peer_name_ + ": " + r.error);
        errno = EIO;
        return -1;
      case tls::Status::want_read:
      case tls::Status::want_write:
        // As SO_RCVTIMEO does for plain: --idle-timeout without a byte.
        if (!await(r.status, timeout_ms(server_.limits_.idle_timeout_s))) {
          errno = EAGAIN;
          return -1;
        }
        break;
    }
  }
}

ssize_t ThreadConnection::write_tls(std::span<const iovec> iov) {
  // One record's worth of the queue's first bytes; after want_write the
  // queue still starts with the bytes offered, and exactly as many are
  // offered again (OpenSSL requires the same bytes; the buffer may move).
  if (tls_record_.empty()) tls_record_.resize(kTlsRecord);
  const std::size_t want = tls_retry_ != 0 ? tls_retry_ : kTlsRecord;
  std::size_t len = 0;
  for (const iovec& v : iov) {
    const std::size_t n = std::min(v.iov_len, want - len);
    std::memcpy(tls_record_.data() + len, v.iov_base, n);
    len += n;
    if (len == want) break;
  }
  while (true) {
    tls::Result r;
    {
      std::lock_guard lock(tls_mutex_);
      if (!tls_.handshake_done()) {  // a refusal before the handshake: nothing to say over TLS
        errno = EPIPE;
        return -1;
      }
      r = tls_.write(std::span<const char>(tls_record_.data(), len));
    }
    switch (r.status) {
      case tls::Status::done:
        tls_retry_ = 0;
        return static_cast<ssize_t>(r.bytes);
      case tls::Status::closed:
      case tls::Status::error:
        errno = EPIPE;
        return -1;
      case tls::Status::want_read:
      case tls::Status::want_write:
        tls_retry_ = len;
        // As SO_SNDTIMEO does for plain: --stall-timeout without a byte
        // taken; write_loop then asks whether the peer read meanwhile.
        if (!await(r.status, timeout_ms(server_.limits_.stall_timeout_s))) {
          errno = EAGAIN;
          return -1;
        }
        break;
    }
  }
}

void ThreadConnection::close_tls() noexcept {
  std::lock_guard lock(tls_mutex_);
  tls_.shutdown();
}

}  // namespace chat
