#include <catch2/catch.hpp>

#include "net/admission.h"

using chat::Admission;
using chat::PeerAddress;
using Verdict = chat::Admission::Verdict;

namespace {
PeerAddress peer(const char* host, bool loopback = false) { return {host, 1000, false, loopback}; }
}  // namespace

TEST_CASE("admission caps the total") {
  Admission a(2, 0);
  CHECK(a.admit(peer("10.0.0.1")) == Verdict::admitted);
  CHECK(a.admit(peer("10.0.0.2")) == Verdict::admitted);
  CHECK(a.admit(peer("10.0.0.3")) == Verdict::server_full);
  a.release(peer("10.0.0.1"));
  CHECK(a.admit(peer("10.0.0.3")) == Verdict::admitted);
  CHECK(a.clients() == 2);
}

TEST_CASE("admission caps each address, and frees its seats on release") {
  Admission a(100, 2);
  CHECK(a.admit(peer("10.0.0.1")) == Verdict::admitted);
  CHECK(a.admit(peer("10.0.0.1")) == Verdict::admitted);
  CHECK(a.admit(peer("10.0.0.1")) == Verdict::too_many_from_address);
  CHECK(a.admit(peer("10.0.0.2")) == Verdict::admitted);  // other addresses unaffected
  a.release(peer("10.0.0.1"));
  CHECK(a.admit(peer("10.0.0.1")) == Verdict::admitted);
  CHECK(a.clients() == 3);
}

TEST_CASE("loopback is never capped per address, but counts toward the total") {
  Admission a(5, 1);
  for (int i = 0; i < 5; ++i) CHECK(a.admit(peer("127.0.0.1", true)) == Verdict::admitted);
  CHECK(a.admit(peer("127.0.0.1", true)) == Verdict::server_full);
}

TEST_CASE("a per-address cap of 0 means no cap") {
  Admission a(10, 0);
  for (int i = 0; i < 10; ++i) CHECK(a.admit(peer("10.0.0.1")) == Verdict::admitted);
}

TEST_CASE("admission caps set by a reload count the connections already there") {
  Admission a(100, 0);  // no per-address cap at start
  CHECK(a.admit(peer("10.0.0.1")) == Verdict::admitted);
  CHECK(a.admit(peer("10.0.0.1")) == Verdict::admitted);
  a.set_limits(100, 2);
  CHECK(a.admit(peer("10.0.0.1")) == Verdict::too_many_from_address);  // it already has 2
  a.release(peer("10.0.0.1"));
  CHECK(a.admit(peer("10.0.0.1")) == Verdict::admitted);
  a.set_limits(3, 0);  // lowered below those in: nobody leaves, the next is refused
  CHECK(a.clients() == 2);
  CHECK(a.admit(peer("10.0.0.2")) == Verdict::admitted);
  CHECK(a.admit(peer("10.0.0.3")) == Verdict::server_full);
  a.set_limits(3, 2);  // back on: counts were kept while it was off
  a.release(peer("10.0.0.2"));
  CHECK(a.admit(peer("10.0.0.1")) == Verdict::too_many_from_address);
}
