// Every line chatd sends, in one place: these exact bytes are the protocol's
// contract (docs/PROTOCOL.md) and scripts match them.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace chat::msg {

// "1 user online", "0 user online", "2 users online".
std::string users_online(std::size_t n);

// Each returns the whole line including its "\n".
std::string welcome(std::size_t online);
std::string entered(std::string_view name, std::size_t online);
std::string left(std::string_view name, std::size_t online);
std::string text(std::string_view name, std::string_view text);
// Appends "[NAME] TEXT\n" to `out` with TEXT sanitized (common/utf8.h).
void append_text(std::string& out, std::string_view name, std::string_view raw_text);
std::string action(std::string_view name, std::string_view text);
std::string private_to_recipient(std::string_view sender, std::string_view text);
// The sender's confirmation, "[You -> NAME] TEXT": NAME as the recipient
// is known (not as typed), so the sender sees who got it.
std::string private_to_sender(std::string_view recipient, std::string_view text);
std::string renamed_self(std::string_view new_name);
std::string renamed_other(std::string_view old_name, std::string_view new_name);
// A list reply split into lines of at most `max_line` bytes before the
// "\n": the first line starts with `header` ("> Online (3): "), each line
// but the last ends with "," and each continuation line starts with
// kListContinuation. Names are never split; a name longer than a line gets
// a line of its own. The rooms list and room members reuse it.
inline constexpr std::string_view kListContinuation = ">   ";
std::vector<std::string> list_lines(std::string_view header, std::span<const std::string_view> names,
                                    std::size_t max_line);
std::string online_header(std::size_t count);
// The whole /who reply on one line (for tests and small rooms).
std::string who(std::span<const std::string_view> names);
std::string help();

std::string nickname_in_use(std::string_view name);
std::string invalid_nickname(std::string_view name);
std::string no_such_user(std::string_view name);
std::string unknown_command(std::string_view word);
std::string usage(std::string_view synopsis);
std::string line_too_long(std::size_t max_bytes);
std::string skipped(std::size_t count);
std::string server_full();
std::string too_many_from_address();
std::string slow_down(std::size_t dropped);
std::string idle_disconnect(unsigned seconds);
std::string shutting_down();

// The classic server's first stdout line.
std::string started(unsigned port);

}  // namespace chat::msg
