#include "terminal/colors.h"

#include <array>
#include <cstdint>

namespace chat::client {

namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kDim = "2";
constexpr std::string_view kBold = "1";
constexpr std::string_view kRed = "31";
constexpr std::string_view kReverse = "7";
constexpr std::string_view kMention = "1;33";

// Readable on dark and light backgrounds; red is reserved for errors.
constexpr std::array<std::string_view, 10> kPalette{"32", "33", "34", "35", "36",
                                                    "92", "93", "94", "95", "96"};

std::string wrap(std::string_view sgr, std::string_view text) {
  std::string out;
  out.reserve(text.size() + sgr.size() + 8);
  out += "\x1b[";
  out += sgr;
  out += 'm';
  out += text;
  out += kReset;
  return out;
}

// "[NAME...": the name ends at ']' or at " -> " inside the brackets.
std::string color_bracketed(std::string_view line) {
  const auto close = line.find(']');
  if (close == std::string_view::npos) return std::string(line);
  std::string_view inside = line.substr(1, close - 1);
  const auto arrow = inside.find(" -> ");
  const std::string_view name = inside.substr(0, arrow);
  std::string out = "[";
  out += wrap(name_color(name), name);
  out += line.substr(1 + name.size());
  return out;
}

}  // namespace

std::string_view name_color(std::string_view name) noexcept {
  std::uint32_t hash = 2166136261u;  // FNV-1a: stable across runs and machines
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return kPalette[hash % kPalette.size()];
}

std::string color_server_line(std::string_view line) {
  if (line.starts_with("! ")) return wrap(kRed, line);
  if (line.starts_with("> ") || line.starts_with("< ")) return wrap(kDim, line);
  if (line.starts_with("[You -> ")) return color_own_line(line);
  if (line.starts_with("[")) return color_bracketed(line);
  if (line.starts_with("* ")) {
    const std::string_view rest = line.substr(2);
    const std::string_view name = rest.substr(0, rest.find(' '));
    return "* " + wrap(name_color(name), name) + std::string(rest.substr(name.size()));
  }
  return std::string(line);
}

namespace {
// The length of a history line's "HH:MM " or "YYYY-MM-DD HH:MM " prefix,
// or 0.
std::size_t stamp_length(std::string_view line) {
  const auto digits = [&](std::size_t at, std::size_t n) {
    if (line.size() < at + n) return false;
    for (std::size_t i = at; i < at + n; ++i) {
      if (line[i] < '0' || line[i] > '9') return false;
    }
    return true;
  };
  const auto clock_at = [&](std::size_t at) {
    return digits(at, 2) && line.size() > at + 5 && line[at + 2] == ':' && digits(at + 3, 2) && line[at + 5] == ' ';
  };
  if (clock_at(0)) return 6;
  const bool date = digits(0, 4) && line.size() > 10 && line[4] == '-' && digits(5, 2) && line[7] == '-' &&
                    digits(8, 2) && line[10] == ' ';
  return date && clock_at(11) ? 17 : 0;
}
}  // namespace

std::string color_history_line(std::string_view line) {
  const std::size_t stamp = stamp_length(line);
  if (stamp == 0) return wrap(kDim, line);
  return wrap(kDim, line.substr(0, stamp - 1)) + " " + color_server_line(line.substr(stamp));
}

std::string color_attention_line(std::string_view line, Attention kind) {
  if (kind == Attention::private_message) {
    const auto close = line.find("] ");
    if (close == std::string_view::npos) return color_server_line(line);
    return wrap(kReverse, line.substr(0, close + 1)) + std::string(line.substr(close + 1));
  }
  if (kind == Attention::mention) {
    // The text starts after "[NAME] " or "* NAME ".
    const std::size_t end = line.starts_with('[') ? line.find("] ") : line.find(' ', 2);
    if (end == std::string_view::npos) return color_server_line(line);
    const std::size_t text_at = end + (line.starts_with('[') ? 2 : 1);
    std::string out = color_server_line(line.substr(0, text_at));
    out += wrap(kMention, line.substr(text_at));
    return out;
  }
  return color_server_line(line);
}

std::string color_own_line(std::string_view line) { return wrap(kBold, line); }

std::string color_notice(std::string_view line) { return wrap(line.starts_with("!") ? kRed : kDim, line); }

std::string color_timestamp(std::string_view stamp) { return wrap(kDim, stamp); }

bool want_color(bool no_color_option, const char* no_color_env, const char* term_env,
                bool stdout_is_terminal) noexcept {
  if (no_color_option || !stdout_is_terminal) return false;
  if (no_color_env != nullptr && *no_color_env != '\0') return false;
  if (term_env != nullptr && std::string_view(term_env) == "dumb") return false;
  return true;
}

}  // namespace chat::client
