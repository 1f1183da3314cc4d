// The web client's files (server/web/client/), embedded in chatd at build
// time by server/web/embed_files.cmake: no file is read at run time, and
// the page works with no network but the chat's.
#pragma once

#include <span>
#include <string_view>

namespace chat::web {

struct StaticFile {
  std::string_view path;  // "/index.html"
  std::string_view type;  // "text/html; charset=utf-8"
  std::string_view body;
};

// Every embedded file (generated: web_files.cpp in the build tree).
[[nodiscard]] std::span<const StaticFile> static_files() noexcept;
// The file at `path`, or nullptr.
[[nodiscard]] const StaticFile* find_static_file(std::string_view path) noexcept;

}  // namespace chat::web
