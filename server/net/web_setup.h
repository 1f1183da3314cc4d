// The web port, as the reactor gets it: its listeners, the protocol its
// WebSocket lines are rendered in, and what decides the answers.
#pragma once

#include <vector>

#include "core/renderer.h"
#include "unique_fd.h"
#include "web/web_policy.h"

namespace chat {

struct WebSetup {
  std::vector<UniqueFd> listeners;  // none: no --web-port
  // The line protocol framed as WebSocket text frames (web::WsLineRenderer).
  ProtocolId protocol = kCanonicalProtocol;
  // Renders a refusal (server full, too many from an address) as an HTTP
  // 503 (web::HttpRefusalRenderer); none: the canonical protocol's line.
  const Renderer* refusals = nullptr;
  web::WebPolicy policy;  // policy.tls: the port serves HTTPS/WSS (--tls-cert)
  unsigned ping_s = 30;             // --web-ping: ping a WebSocket silent this long
  unsigned request_timeout_s = 5;   // the whole request head within this (slowloris)
};

}  // namespace chat
