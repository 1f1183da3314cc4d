#include "chat_process.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <stdexcept>

#include "process_util.h"

namespace chat::test {

namespace {

#ifdef CHAT_PATH
constexpr const char* kChatPath = CHAT_PATH;
#else
constexpr const char* kChatPath = nullptr;
#endif

using Clock = std::chrono::steady_clock;

}  // namespace

ChatProcess::ChatProcess(const std::vector<std::string>& args) {
  if (kChatPath == nullptr) throw std::runtime_error("built without a chat target (CHAT_PATH)");
  ignore_sigpipe();  // writing to the stdin of a chat that exited must not kill the test
  Pipe in = make_pipe();
  Pipe out = make_pipe();
  Pipe err = make_pipe();
  pid_ = spawn_process(kChatPath, args, in.read.get(), out.write.get(), err.write.get());
  pidfd_ = open_pidfd(pid_);
  stdin_ = std::move(in.write);
  stdout_ = std::move(out.read);
  stderr_ = std::move(err.read);
  // The child's ends close here with `in`, `out`, `err`: EOF reaches us when it exits.
}

ChatProcess::~ChatProcess() {
  if (!exit_code_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    (void)await_exit(pid_, pidfd_.get(), Clock::now() + 5s);
  }
}

void ChatProcess::send_line(std::string_view line) {
  std::string bytes(line);
  bytes += '\n';
  std::string_view rest = bytes;
  while (!rest.empty()) {
    const ssize_t n = ::write(stdin_.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("cannot write to chat's stdin");
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

void ChatProcess::close_stdin() { stdin_.reset(); }

void ChatProcess::signal(int signo) const { ::kill(pid_, signo); }

template <class Done>
bool ChatProcess::pump(Done done, Clock::time_point deadline) {
  while (!done()) {
    std::array<pollfd, 2> fds{{{stdout_ ? stdout_.get() : -1, POLLIN, 0},
                               {stderr_ ? stderr_.get() : -1, POLLIN, 0}}};
    if (!stdout_ && !stderr_) return false;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    const int n = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR) return false;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      UniqueFd& fd = i == 0 ? stdout_ : stderr_;
      char buf[4096];
      const ssize_t got = ::read(fd.get(), buf, sizeof buf);
      if (got > 0) {
        (i == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        fd.reset();  // EOF: the child exited (or closed it)
      }
    }
  }
  return true;
}

bool ChatProcess::wait_stdout(std::string_view needle, std::chrono::milliseconds timeout) {
  return pump([&] { return out_.find(needle) != std::string::npos; }, Clock::now() + timeout);
}

bool ChatProcess::wait_stderr(std::string_view needle, std::chrono::milliseconds timeout) {
  return pump([&] { return err_.find(needle) != std::string::npos; }, Clock::now() + timeout);
}

std::optional<int> ChatProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = Clock::now() + timeout;
  pump([&] { return !stdout_ && !stderr_; }, deadline);
  if (stdout_ || stderr_) return std::nullopt;
  exit_code_ = await_exit(pid_, pidfd_.get(), deadline);
  return exit_code_;
}

}  // namespace chat::test
