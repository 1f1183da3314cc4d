#!/bin/sh
# flood --threads against flood_sink: every line arrives once, intact, and
# the counts from the helper threads add up (exit 0 = nothing lost,
# duplicated or garbled). Bounded: flood --timeout 20, the sink --timeout 30.
set -u
FLOOD=$1
SINK=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$SINK" --port 0 --timeout 30 >"$out" &
sink=$!
i=0
until grep -q listening "$out"; do
  i=$((i + 1))
  if [ "$i" -gt 100 ]; then
    kill "$sink"
    echo "flood_sink did not start" >&2
    exit 1
  fi
  sleep 0.05
done
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$out")
rc=0
for mode in "--messages 300" "--rate 3000 --duration 1"; do
  # shellcheck disable=SC2086 # $mode is two or four words on purpose
  "$FLOOD" --port "$port" --clients 30 --senders 4 $mode --threads 3 --timeout 20 >"$out.run" 2>&1 || rc=1
  tail -1 "$out.run" | grep -q '"deliveries":' || rc=1
  # 30 clients, 4 senders: expected = sent x 29, every one delivered
  tail -1 "$out.run" | grep -q '"lost":0,' || rc=1
  [ "$rc" = 0 ] || cat "$out.run" >&2
  rm -f "$out.run"
done
kill "$sink"
wait "$sink" 2>/dev/null
exit "$rc"
