#!/bin/sh
# flood --tls against chatd's TLS port, certificates made here with the
# openssl CLI: every line arrives once and intact over TLS, with --threads
# too (helper threads read TLS clients); --ca verifies, and a CA that did
# not sign chatd's certificate stops the run with one TLS line, exit 1.
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
cert() {  # NAME SUBJECT [CA]: an EC P-256 key and certificate
  if [ $# -eq 2 ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/$1.key" \
      -out "$dir/$1.crt" -days 2 -subj "$2" 2>/dev/null
  else
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/$1.key" \
      -out "$dir/$1.csr" -subj "$2" 2>/dev/null &&
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/$1.ext" &&
    openssl x509 -req -in "$dir/$1.csr" -CA "$dir/$3.crt" -CAkey "$dir/$3.key" -set_serial 7 -days 2 \
      -extfile "$dir/$1.ext" -out "$dir/$1.crt" 2>/dev/null
  fi
}
cert ca "/CN=flood test CA" && cert other "/CN=another CA" && cert server /CN=localhost ca || {
  echo "openssl could not make the test certificates" >&2
  exit 1
}
"$CHATD" --host 127.0.0.1 --port 0 --tls-port 0 --tls-cert "$dir/server.crt" --tls-key "$dir/server.key" \
  --rate-limit 0 --history 0 --quiet >"$dir/chatd.out" 2>&1 &
chatd=$!
i=0
until grep -q "TLS port" "$dir/chatd.out"; do
  i=$((i + 1))
  if [ "$i" -gt 100 ]; then
    echo "chatd did not start: $(cat "$dir/chatd.out")" >&2
    exit 1
  fi
  sleep 0.05
done
port=$(sed -n 's/.*TLS port \([0-9]*\) .*/\1/p' "$dir/chatd.out")
rc=0
for mode in "--threads 1" "--threads 3"; do
  # shellcheck disable=SC2086 # $mode is two words on purpose
  "$FLOOD" --tls --ca "$dir/ca.crt" --host 127.0.0.1 --port "$port" --clients 30 --senders 4 --messages 300 \
    $mode --timeout 20 >"$dir/run" 2>&1 || rc=1
  # 30 clients, 4 senders x 300: 34,800 deliveries, none lost or garbled
  tail -1 "$dir/run" | grep -q '"deliveries":34800,"lost":0,"duplicates":0,"garbled":0,' || rc=1
  [ "$rc" = 0 ] || cat "$dir/run" >&2
done
if "$FLOOD" --tls --ca "$dir/other.crt" --port "$port" --clients 2 --senders 1 --messages 1 --timeout 5 \
  >"$dir/run" 2>&1; then
  echo "flood accepted a certificate its --ca did not sign" >&2
  rc=1
fi
grep -q "^flood: TLS: certificate verify failed for 127.0.0.1 port $port: unable to get local issuer certificate$" \
  "$dir/run" || { cat "$dir/run" >&2; rc=1; }
exit "$rc"
