// The messages between chatd and its history writer process
// (history_writer.h): what crosses the socketpair, encoded and decoded
// here and nowhere else.
//
// Every frame is an 8-byte length (host order: both ends are the same
// binary on the same machine) and that many bytes of body. Bodies:
//   start  (chatd -> writer, once): path, keep, then every room's lines on
//          disk as chatd's open() counted them;
//   batch  (chatd -> writer): how long to wait for another process's lock,
//          then one chunk per room: name, line count, "SECONDS LINE\n"...;
//   result (writer -> chatd, one per batch): empty when committed, else
//          the error text.
// Integers are fixed-width, strings a 4- or 8-byte length then the bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat::writer_frames {

// A frame body longer than this is refused (a batch is bounded by the
// store's 64 MiB queue; this leaves room for its framing).
constexpr std::uint64_t kMaxBody = std::uint64_t{96} << 20;

struct Start {
  std::string path;
  std::uint64_t keep = 0;
  std::vector<std::pair<std::string, std::uint64_t>> on_disk;  // room_key, lines
};

// One room's lines of a batch. Decoded chunks point into the frame's body.
struct ChunkView {
  std::string_view room;
  std::uint64_t count = 0;
  std::string_view lines;
};
struct Batch {
  std::chrono::milliseconds busy_wait{0};
  std::vector<ChunkView> chunks;
};

// Each appends one whole frame (length and body) to `out`.
void encode_start(const Start& start, std::string& out);
void encode_batch(std::chrono::milliseconds busy_wait, const std::vector<ChunkView>& chunks, std::string& out);
void encode_result(std::string_view error, std::string& out);

// Each decodes one frame's body (without its length); nullopt when it is
// malformed.
std::optional<Start> decode_start(std::string_view body);
std::optional<Batch> decode_batch(std::string_view body);
std::optional<std::string> decode_result(std::string_view body);

// Blocking I/O of whole frames on a stream socket. send_frame writes
// `frame` (as encoded above) whole, without SIGPIPE; false on any error.
// recv_frame reads the next frame's body into `body`; false at the end of
// the stream, on an error, or for a frame over kMaxBody.
bool send_frame(int fd, std::string_view frame);
bool recv_frame(int fd, std::string& body);

}  // namespace chat::writer_frames
