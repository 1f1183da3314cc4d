#include "store/writer_frames.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace chat::writer_frames {

namespace {

template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

template <class Length>
void put_text(std::string& out, std::string_view text) {
  put(out, static_cast<Length>(text.size()));
  out.append(text);
}

// Reserves the frame's length, lets `body` append the body, then fills
// the length in.
template <class F>
void frame(std::string& out, F&& body) {
  const std::size_t at = out.size();
  put(out, std::uint64_t{0});
  body();
  const std::uint64_t length = out.size() - at - sizeof(std::uint64_t);
  std::memcpy(out.data() + at, &length, sizeof length);
}

// Reads fixed-width integers and strings from a body; any read past its
// end makes it bad for good.
class Reader {
 public:
  explicit Reader(std::string_view body) : rest_(body) {}

  template <class T>
  T get() {
    T value{};
    if (rest_.size() < sizeof(T)) {
      bad_ = true;
      return value;
    }
    std::memcpy(&value, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    return value;
  }
  template <class Length>
  std::string_view text() {
    const auto length = get<Length>();
    if (bad_ || rest_.size() < length) {
      bad_ = true;
      return {};
    }
    const std::string_view out = rest_.substr(0, static_cast<std::size_t>(length));
    rest_.remove_prefix(static_cast<std::size_t>(length));
    return out;
  }
  // True when every byte was read and nothing was missing.
  [[nodiscard]] bool done() const { return !bad_ && rest_.empty(); }
  [[nodiscard]] bool bad() const { return bad_; }

 private:
  std::string_view rest_;
  bool bad_ = false;
};

constexpr char kStart = 'S';
constexpr char kBatch = 'B';
constexpr char kResult = 'R';

}  // namespace

void encode_start(const Start& start, std::string& out) {
  frame(out, [&] {
    out.push_back(kStart);
    put_text<std::uint32_t>(out, start.path);
    put(out, start.keep);
    put(out, static_cast<std::uint64_t>(start.on_disk.size()));
    for (const auto& [room, lines] : start.on_disk) {
      put_text<std::uint32_t>(out, room);
      put(out, lines);
    }
  });
}

void encode_batch(std::chrono::milliseconds busy_wait, const std::vector<ChunkView>& chunks, std::string& out) {
  frame(out, [&] {
    out.push_back(kBatch);
    put(out, static_cast<std::uint32_t>(busy_wait.count()));
    put(out, static_cast<std::uint32_t>(chunks.size()));
    for (const ChunkView& chunk : chunks) {
      put_text<std::uint32_t>(out, chunk.room);
      put(out, chunk.count);
      put_text<std::uint64_t>(out, chunk.lines);
    }
  });
}

void encode_result(std::string_view error, std::string& out) {
  frame(out, [&] {
    out.push_back(kResult);
    put_text<std::uint32_t>(out, error);
  });
}

std::optional<Start> decode_start(std::string_view body) {
  Reader in(body);
  if (in.get<char>() != kStart) return std::nullopt;
  Start start;
  start.path = in.text<std::uint32_t>();
  start.keep = in.get<std::uint64_t>();
  const auto rooms = in.get<std::uint64_t>();
  // Each room takes at least 12 bytes: a count past that is a lie.
  if (in.bad() || rooms > body.size() / 12) return std::nullopt;
  start.on_disk.reserve(static_cast<std::size_t>(rooms));
  for (std::uint64_t i = 0; i < rooms && !in.bad(); ++i) {
    const std::string_view room = in.text<std::uint32_t>();
    const auto lines = in.get<std::uint64_t>();
    start.on_disk.emplace_back(std::string(room), lines);
  }
  if (!in.done()) return std::nullopt;
  return start;
}

std::optional<Batch> decode_batch(std::string_view body) {
  Reader in(body);
  if (in.get<char>() != kBatch) return std::nullopt;
  Batch batch;
  batch.busy_wait = std::chrono::milliseconds(in.get<std::uint32_t>());
  const auto chunks = in.get<std::uint32_t>();
  // Each chunk takes at least 20 bytes.
  if (in.bad() || chunks > body.size() / 20) return std::nullopt;
  batch.chunks.reserve(chunks);
  for (std::uint32_t i = 0; i < chunks && !in.bad(); ++i) {
    ChunkView chunk;
    chunk.room = in.text<std::uint32_t>();
    chunk.count = in.get<std::uint64_t>();
    chunk.lines = in.text<std::uint64_t>();
    batch.chunks.push_back(chunk);
  }
  if (!in.done()) return std::nullopt;
  return batch;
}

std::optional<std::string> decode_result(std::string_view body) {
  Reader in(body);
  if (in.get<char>() != kResult) return std::nullopt;
  std::string error(in.text<std::uint32_t>());
  if (!in.done()) return std::nullopt;
  return error;
}

bool send_frame(int fd, std::string_view frame) {
  while (!frame.empty()) {
    const ssize_t n = ::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    frame.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

namespace {

bool read_exactly(int fd, char* to, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::read(fd, to, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    to += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

bool recv_frame(int fd, std::string& body) {
  std::uint64_t length = 0;
  if (!read_exactly(fd, reinterpret_cast<char*>(&length), sizeof length) || length > kMaxBody) return false;
  body.resize(static_cast<std::size_t>(length));
  return read_exactly(fd, body.data(), body.size());
}

}  // namespace chat::writer_frames
