// The frames between chatd and its history writer process: each decodes
// to what was encoded, a truncated or padded body is refused, and whole
// frames cross a real socketpair.
#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <thread>

#include "store/writer_frames.h"
#include "unique_fd.h"

using namespace chat;
using namespace chat::writer_frames;

namespace {

// The body of the first frame in `frame` (its 8-byte length dropped).
std::string_view body_of(const std::string& frame) {
  REQUIRE(frame.size() >= 8);
  std::uint64_t length = 0;
  std::memcpy(&length, frame.data(), 8);
  REQUIRE(length == frame.size() - 8);
  return std::string_view(frame).substr(8);
}

}  // namespace

TEST_CASE("writer frames: a start frame decodes to what was encoded", "[unit][store]") {
  Start start{"/var/lib/chatd/history.db", 500, {{"#lobby", 500}, {"#rust", 3}, {"", 0}}};
  std::string frame;
  encode_start(start, frame);
  const auto decoded = decode_start(body_of(frame));
  REQUIRE(decoded);
  CHECK(decoded->path == start.path);
  CHECK(decoded->keep == 500);
  CHECK(decoded->on_disk == start.on_disk);
  // Not a batch, nor a result.
  CHECK_FALSE(decode_batch(body_of(frame)));
  CHECK_FALSE(decode_result(body_of(frame)));
}

TEST_CASE("writer frames: a batch decodes to its chunks, pointing into the body", "[unit][store]") {
  const std::string lines = "1765000000 [127.0.0.1:4000] hi\n1765000001 [127.0.0.1:4000] again\n";
  std::string frame;
  encode_batch(std::chrono::milliseconds(1000), {{"#lobby", 2, lines}, {"#side", 0, ""}}, frame);
  const std::string_view body = body_of(frame);
  const auto batch = decode_batch(body);
  REQUIRE(batch);
  CHECK(batch->busy_wait == std::chrono::milliseconds(1000));
  REQUIRE(batch->chunks.size() == 2);
  CHECK(batch->chunks[0].room == "#lobby");
  CHECK(batch->chunks[0].count == 2);
  CHECK(batch->chunks[0].lines == lines);
  CHECK(batch->chunks[0].lines.data() >= body.data());
  CHECK(batch->chunks[0].lines.data() < body.data() + body.size());
  CHECK(batch->chunks[1].room == "#side");
  CHECK(batch->chunks[1].lines.empty());
}

TEST_CASE("writer frames: a result is empty when committed, else the error", "[unit][store]") {
  std::string ok;
  encode_result("", ok);
  CHECK(decode_result(body_of(ok)) == std::string());
  std::string failed;
  encode_result("database or disk is full", failed);
  CHECK(decode_result(body_of(failed)) == std::string("database or disk is full"));
}

TEST_CASE("writer frames: every truncation of a body and a padded body are refused", "[unit][store]") {
  std::string frame;
  encode_batch(std::chrono::milliseconds(5), {{"#lobby", 1, "1 x\n"}}, frame);
  const std::string body(body_of(frame));
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    INFO(cut);
    CHECK_FALSE(decode_batch(std::string_view(body).substr(0, cut)));
  }
  CHECK_FALSE(decode_batch(body + "x"));
  std::string start;
  encode_start(Start{"p", 1, {{"#a", 1}}}, start);
  const std::string start_body(body_of(start));
  for (std::size_t cut = 0; cut < start_body.size(); ++cut) CHECK_FALSE(decode_start(start_body.substr(0, cut)));
  // A room count the body cannot hold is refused before anything is reserved.
  std::string lie = start_body.substr(0, start_body.size() - 14);  // the one room dropped...
  const std::uint64_t rooms = std::uint64_t{1} << 60;             // ...and 2^60 claimed
  lie.replace(lie.size() - 8, 8, reinterpret_cast<const char*>(&rooms), 8);
  CHECK_FALSE(decode_start(lie));
}

TEST_CASE("writer frames: whole frames cross a socketpair, a big one too", "[unit][store]") {
  int ends[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) == 0);
  UniqueFd a(ends[0]);
  UniqueFd b(ends[1]);
  const std::string lines(8u << 20, 'x');  // past any socket buffer
  std::string frame;
  encode_batch(std::chrono::milliseconds(1), {{"#big", 1, lines}}, frame);
  bool sent = false;  // (Catch's assertions are not for other threads)
  std::thread sender([&] { sent = send_frame(a.get(), frame); });
  std::string body;
  const bool received = recv_frame(b.get(), body);
  sender.join();
  CHECK(sent);
  REQUIRE(received);
  const auto batch = decode_batch(body);
  REQUIRE(batch);
  REQUIRE(batch->chunks.size() == 1);
  CHECK(batch->chunks[0].lines.size() == lines.size());
  // The end of the stream, and a length over kMaxBody, end reading.
  const std::uint64_t huge = kMaxBody + 1;
  REQUIRE(send_frame(a.get(), std::string_view(reinterpret_cast<const char*>(&huge), 8)));
  CHECK_FALSE(recv_frame(b.get(), body));
  a.reset();
  CHECK_FALSE(recv_frame(b.get(), body));
  // Sending to a closed peer fails instead of raising SIGPIPE.
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) == 0);
  UniqueFd c(ends[0]);
  ::close(ends[1]);
  CHECK_FALSE(send_frame(c.get(), frame));
}
