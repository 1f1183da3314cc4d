// Fuzz target for the HTTP request head parser (server/web/http_request.h):
// the verdict on a prefix is never taken back by more bytes (incomplete can
// become anything; complete, bad and too_large stay, with the same head);
// a complete head is at most kMaxRequestHead bytes; routing it never
// throws and answers a known status.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "web/http_request.h"
#include "web/web_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using chat::web::HeadResult;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const HeadResult all = chat::web::parse_request_head(bytes);
  if (all.status == HeadResult::Status::complete) {
    FUZZ_CHECK(all.used <= chat::web::kMaxRequestHead);
    FUZZ_CHECK(all.used <= bytes.size());
    // The same head with anything after it: the same request.
    const HeadResult head_only = chat::web::parse_request_head(bytes.substr(0, all.used));
    FUZZ_CHECK(head_only.status == HeadResult::Status::complete && head_only.used == all.used);
    FUZZ_CHECK(head_only.request.target == all.request.target && head_only.request.host == all.request.host);
    chat::web::WebPolicy policy;
    const chat::web::Route r =
        chat::web::route(all.request, policy, [](const std::string& p) { return p == "/index.html"; });
    if (r.kind == chat::web::Route::Kind::error) FUZZ_CHECK(r.status >= 400 && r.status < 500);
    if (r.kind == chat::web::Route::Kind::upgrade) FUZZ_CHECK(all.request.path() == "/ws");
  }
  // A prefix is incomplete, or already has the whole verdict.
  for (std::size_t n : {size / 2, size / 3, size > 0 ? size - 1 : 0}) {
    const HeadResult part = chat::web::parse_request_head(bytes.substr(0, n));
    if (part.status == HeadResult::Status::incomplete) continue;
    FUZZ_CHECK(part.status == all.status);
    if (part.status == HeadResult::Status::complete) FUZZ_CHECK(part.used == all.used);
  }
  return 0;
}
