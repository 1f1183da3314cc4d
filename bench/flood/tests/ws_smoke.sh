#!/bin/sh
# flood --protocol ws against chatd's web port: every line arrives once and
# intact over WebSocket, in one room and in three (--rooms: the /join
# confirmations read from frames); with --web-ping 1 the receivers, silent
# for 3 s, are pinged and stay only if flood answers with pongs; over
# --tls-cert the same over wss:// verified with --ca; and pointed at the
# line port, flood stops at once saying it got no HTTP answer.
# Bounded: flood --timeout 20; chatd stopped by PID.
set -u
FLOOD=$1
CHATD=$2
dir=$(mktemp -d)
chatd=
cleanup() {
  [ -n "$chatd" ] && kill "$chatd" 2>/dev/null && wait "$chatd" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
start() {  # chatd ARGS...: sets $chatd, $port (line) and $web (web)
  [ -n "$chatd" ] && kill "$chatd" 2>/dev/null && wait "$chatd" 2>/dev/null
  "$CHATD" --host 127.0.0.1 --port 0 --web-port 0 --rate-limit 0 --history 0 --quiet "$@" >"$dir/chatd.out" 2>&1 &
  chatd=$!
  i=0
  until grep -q "^Web client at" "$dir/chatd.out"; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
      echo "chatd did not start: $(cat "$dir/chatd.out")" >&2
      exit 1
    fi
    sleep 0.05
  done
  port=$(sed -n 's/^Chat Server started on port \([0-9]*\)\..*/\1/p' "$dir/chatd.out")
  web=$(sed -n 's|^Web client at https*://[^:]*:\([0-9]*\)/.*|\1|p' "$dir/chatd.out")
}
rc=0
run() {  # EXPECTED-DELIVERIES FLOOD-ARGS...
  want=$1
  shift
  "$FLOOD" --host 127.0.0.1 --protocol ws --timeout 20 "$@" >"$dir/run" 2>&1 || rc=1
  tail -1 "$dir/run" | grep -q "\"protocol\":\"ws\",.*\"deliveries\":$want,\"lost\":0,\"duplicates\":0,\"garbled\":0,.*\"disconnected\":0," || rc=1
  [ "$rc" = 0 ] || { echo "flood $*:" >&2; cat "$dir/run" >&2; }
}
start --web-ping 1 --stall-timeout 1
# 30 clients, 4 senders x 300: 34,800 deliveries
run 34800 --port "$web" --clients 30 --senders 4 --messages 300
# 3 rooms of 10: each sender's 300 lines reach the 9 others in its room
run 10800 --port "$web" --clients 30 --senders 4 --messages 300 --rooms 3
# open loop, 3 s: the receivers are pinged and must answer within 1 s
run 2700 --port "$web" --clients 10 --senders 1 --rate 100 --duration 3
if "$FLOOD" --protocol ws --port "$port" --clients 2 --senders 1 --messages 1 --timeout 5 >"$dir/run" 2>&1; then
  echo "flood --protocol ws took the line port for a web port" >&2
  rc=1
fi
grep -q "^flood: client [01]: the WebSocket upgrade was refused: not an HTTP answer: > Connected to the chat server" \
  "$dir/run" || { cat "$dir/run" >&2; rc=1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/server.key" -out "$dir/server.crt" \
  -days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null || {
  echo "openssl could not make the test certificate" >&2
  exit 1
}
start --tls-cert "$dir/server.crt" --tls-key "$dir/server.key"
run 34800 --tls --ca "$dir/server.crt" --port "$web" --clients 30 --senders 4 --messages 300
exit "$rc"
