// --metrics ADDR:PORT: GET /metrics served from the reactor's own loop.
// A scraper is one more non-blocking connection with hard bounds, so a
// slow or hostile one costs the chat nothing: at most kMaxScrapers at once
// (more are answered 503 and closed), a request head of at most
// kMaxHttpRequest bytes, and kDeadline from accept to the last byte of the
// response, after which it is closed whatever state it is in. One request
// per connection (Connection: close). The HTTP itself is pure
// (metrics/http_request.h); the body comes from `body`, called on the loop
// thread when a well-formed GET /metrics is complete.
//
// The reactor drives one LoopTask, so this one wraps the loop's other task
// (the cluster link, or none) like systemd/service_task.h does: events on
// fds that are not its own and every tick are passed on to `inner`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "net/loop_task.h"
#include "net/pollers/poller.h"
#include "unique_fd.h"

namespace chat {

class MetricsEndpoint final : public LoopTask {
 public:
  static constexpr std::size_t kMaxScrapers = 4;
  static constexpr std::chrono::seconds kDeadline{5};

  // `listeners`: the metrics port's listening sockets (non-blocking).
  // `inner`: not owned, may be null.
  MetricsEndpoint(Poller& poller, std::vector<UniqueFd> listeners, std::function<std::string()> body,
                  LoopTask* inner);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  // Watches the listeners; call once, before the loop runs.
  std::error_code start();

  void on_event(const PollEvent& event) override;
  void on_tick(Clock::time_point now) override;
  [[nodiscard]] int timeout_ms(Clock::time_point now) const override;
  void on_shutdown() override;
  [[nodiscard]] bool finished() const override { return inner_ == nullptr || inner_->finished(); }

 private:
  struct Scraper {
    UniqueFd fd;
    Clock::time_point deadline;
    std::string request;      // the head read so far
    std::string response;     // once the request is complete
    std::size_t sent = 0;
    bool responding = false;
    // Closed this iteration: unwatched, but the fd stays open until the
    // tick, so its number cannot be reused by a connection accepted later
    // in the same batch of events (which would get this one's stale event).
    bool closed = false;
  };

  void accept_scrapers(int listener_fd);
  void on_scraper(Scraper& s, unsigned ready);
  void read_request(Scraper& s);
  void write_response(Scraper& s);
  void close(Scraper& s);
  Scraper* scraper(int fd);

  Poller& poller_;
  std::vector<UniqueFd> listeners_;
  std::function<std::string()> body_;
  LoopTask* inner_;
  std::vector<std::unique_ptr<Scraper>> scrapers_;  // at most kMaxScrapers open; closed ones go on tick
};

}  // namespace chat
