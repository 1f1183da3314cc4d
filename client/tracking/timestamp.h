// The "HH:MM " prefix of --timestamps, in local time.
#pragma once

#include <ctime>
#include <string>

namespace chat::client {

// "HH:MM " for `when` in the local time zone.
[[nodiscard]] std::string timestamp_prefix(std::time_t when);
[[nodiscard]] inline std::string timestamp_now() { return timestamp_prefix(std::time(nullptr)); }

}  // namespace chat::client
