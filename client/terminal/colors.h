// Colour for the lines the client shows: each NAME in a colour derived from
// the name (the same in every session), notices dim, errors red, the user's
// own lines bold. Pure: a line in, the line with SGR escapes out.
#pragma once

#include <string>
#include <string_view>

#include "tracking/attention.h"

namespace chat::client {

// The SGR parameter ("32", "1;34", ...) for `name`: a hash of its bytes
// picks one of a fixed palette of readable colours (never red, which means
// an error, and never the default, which means plain text).
[[nodiscard]] std::string_view name_color(std::string_view name) noexcept;

// A line from the server, sanitized (no escapes in it), coloured:
//   "! ..."                      red
//   "> ..." and "< ..."          dim
//   "[NAME] TEXT", "[NAME -> you] TEXT", "* NAME TEXT"   NAME in its colour
//   "[You -> NAME] TEXT" (the server's /msg confirmation)  bold, as own lines
[[nodiscard]] std::string color_server_line(std::string_view line);

// A line that asks for attention (attention.h), coloured as
// color_server_line would, and more: a private message's "[NAME -> you]"
// tag in reverse video, a mention's text in bold yellow.
[[nodiscard]] std::string color_attention_line(std::string_view line, Attention kind);

// A replayed history line ("HH:MM [NAME] TEXT", or with the date first for
// an earlier day): the time dim, the rest coloured as color_server_line
// would a live line, so a name has the same colour then as now.
[[nodiscard]] std::string color_history_line(std::string_view line);

// One of the user's own lines ("[You] ...", "* You ..."): bold.
[[nodiscard]] std::string color_own_line(std::string_view line);

// A notice from the client itself (disconnect, reconnect): "!" lines red,
// others dim.
[[nodiscard]] std::string color_notice(std::string_view line);

// The "HH:MM " prefix of --timestamps, dim.
[[nodiscard]] std::string color_timestamp(std::string_view stamp);

// Should colour be used? Not with --no-color, not when NO_COLOR is set to
// anything non-empty (no-color.org), not when stdout is no terminal, and
// not on TERM=dumb.
[[nodiscard]] bool want_color(bool no_color_option, const char* no_color_env, const char* term_env,
                              bool stdout_is_terminal) noexcept;

}  // namespace chat::client
