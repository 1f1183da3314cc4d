// bench/flood driving clients spread over three nodes (flood --ports): every
// line sent on one node is delivered on every node, none lost, duplicated or
// reordered. Bounded: 30 clients, 6 senders x 300 lines, flood --timeout 20.
#include "cluster_fixture.h"

using namespace chat::test;

TEST_CASE("flood across three nodes loses nothing", "[cluster][flood]") {
  Cluster cluster(3);
  const std::string ports = std::to_string(cluster[0].port()) + "," + std::to_string(cluster[1].port()) + "," +
                            std::to_string(cluster[2].port());
  const RunResult result =
      run_program(FLOOD_PATH,
                  {"--ports", ports, "--clients", "30", "--senders", "6", "--messages", "300", "--timeout", "20",
                   "--idle", "5"},
                  "", 30s);
  INFO("flood stdout:\n" << result.out << "\nstderr:\n" << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("\"expected\":52200,") != std::string::npos);  // 6 x 300 x 29 receivers
  CHECK(result.out.find("\"lost\":0,") != std::string::npos);
  CHECK(result.out.find("\"deliveries\":52200,") != std::string::npos);
  CHECK(result.out.find("\"duplicates\":0,") != std::string::npos);
  CHECK(result.out.find("\"garbled\":0,") != std::string::npos);
  CHECK(result.out.find("\"ok\":true") != std::string::npos);
}

TEST_CASE("flood in two rooms across three nodes loses nothing and leaks nothing between rooms",
          "[cluster][flood][rooms]") {
  Cluster cluster(3);
  const std::string ports = std::to_string(cluster[0].port()) + "," + std::to_string(cluster[1].port()) + "," +
                            std::to_string(cluster[2].port());
  // Client i joins #flood(i % 2) and talks there; with 3 ports every room
  // has users on every node. flood counts a line wherever it arrives, so a
  // line leaking into the other room would push deliveries past expected.
  const RunResult result =
      run_program(FLOOD_PATH,
                  {"--ports", ports, "--clients", "30", "--senders", "6", "--messages", "300", "--rooms", "2",
                   "--timeout", "20", "--idle", "5"},
                  "", 30s);
  INFO("flood stdout:\n" << result.out << "\nstderr:\n" << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("\"expected\":25200,") != std::string::npos);  // 6 x 300 x 14 receivers in each room
  CHECK(result.out.find("\"lost\":0,") != std::string::npos);
  CHECK(result.out.find("\"deliveries\":25200,") != std::string::npos);
  CHECK(result.out.find("\"garbled\":0,") != std::string::npos);
  CHECK(result.out.find("\"ok\":true") != std::string::npos);
}
