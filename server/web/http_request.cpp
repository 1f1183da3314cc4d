#include "web/http_request.h"

#include <algorithm>
#include <cstring>

namespace chat::web {

namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 token characters (method and header names).
bool is_tchar(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool is_token(std::string_view s) noexcept { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

// A header value may hold visible ASCII, spaces, tabs and obs-text; no
// control characters (a NUL or a bare CR smuggles).
bool is_field_value(std::string_view s) noexcept {
  return std::none_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

void keep(std::string& slot, std::string_view value) {
  if (!slot.empty()) slot += ", ";
  slot.append(value);
}

bool parse_request_line(std::string_view line, Request& r) {
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return false;
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method) || target.empty() || target.front() != '/') return false;
  if (std::any_of(target.begin(), target.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u >= 0x7f;
      })) {
    return false;
  }
  if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || version[7] < '0' || version[7] > '9') return false;
  r.method.assign(method);
  r.target.assign(target);
  r.minor_version = version[7] - '0';
  return true;
}

bool parse_header(std::string_view line, Request& r) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view name = line.substr(0, colon);  // no space before ':' (RFC 9112 5.1)
  const std::string_view value = trim(line.substr(colon + 1));
  if (!is_token(name) || !is_field_value(value)) return false;
  if (iequals(name, "host")) {
    if (!r.host.empty()) return false;  // two Hosts: 400 (RFC 9112 3.2)
    r.host.assign(value);
  } else if (iequals(name, "origin")) {
    keep(r.origin, value);
  } else if (iequals(name, "upgrade")) {
    keep(r.upgrade, value);
  } else if (iequals(name, "connection")) {
    keep(r.connection, value);
  } else if (iequals(name, "sec-websocket-key")) {
    keep(r.ws_key, value);
  } else if (iequals(name, "sec-websocket-version")) {
    keep(r.ws_version, value);
  } else if (iequals(name, "sec-websocket-protocol")) {
    keep(r.ws_protocol, value);
  } else if (iequals(name, "content-length")) {
    if (value != "0") r.has_body = true;
  } else if (iequals(name, "transfer-encoding")) {
    r.has_body = true;
  }
  return true;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool header_has_token(std::string_view list, std::string_view token) noexcept {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::string_view Request::path() const noexcept {
  const std::string_view t(target);
  return t.substr(0, t.find('?'));
}

HeadResult parse_request_head(std::string_view bytes) {
  HeadResult result;
  // Robustness (RFC 9112 2.2): empty lines before the request line are skipped.
  std::size_t at = 0;
  while (at < bytes.size() && (bytes[at] == '\r' || bytes[at] == '\n')) ++at;
  bool first = true;
  while (true) {
    const auto nl = bytes.find('\n', at);
    if (nl == std::string_view::npos || nl >= kMaxRequestHead) {
      result.status = bytes.size() >= kMaxRequestHead ? HeadResult::Status::too_large : HeadResult::Status::incomplete;
      return result;
    }
    std::string_view line = bytes.substr(at, nl - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    at = nl + 1;
    if (line.empty()) {
      if (first) continue;
      result.status = HeadResult::Status::complete;
      result.used = at;
      return result;
    }
    const bool ok = first ? parse_request_line(line, result.request) : parse_header(line, result.request);
    if (!ok) {
      result.status = HeadResult::Status::bad;
      return result;
    }
    first = false;
  }
}

}  // namespace chat::web
