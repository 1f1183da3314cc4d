// A fresh directory for one test's --store database (and whatever else the
// test writes beside it), removed afterwards.
#pragma once

#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace chat::test {

struct StoreDir {
  std::filesystem::path path;
  StoreDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chatd-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~StoreDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  StoreDir(const StoreDir&) = delete;
  StoreDir& operator=(const StoreDir&) = delete;
  [[nodiscard]] std::string db(const std::string& name = "chat.db") const { return (path / name).string(); }
};

}  // namespace chat::test
