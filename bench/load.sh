#!/usr/bin/env bash
# A bounded load test of grail serve on the 10k-post corpus: 200
# connections for 60 s each against a post, the home page, a plain mix of
# pages, and a hostile mix (half the requests for paths that do not exist,
# every request with a Host of its own). Reports requests/s, p50/p99
# latency, socket errors, unexpected statuses and the server's RSS before
# and after each run, and the hostile mix's throughput as a share of the
# plain mix's.
#
#   bench/load.sh                       # 60 s × 200 connections per scenario
#   DURATION=10s CONNS=100 bench/load.sh
#
# Needs wrk (scripts/install-test-deps.sh installs it). Everything runs on
# 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60s}
CONNS=${CONNS:-200}
THREADS=${THREADS:-2}
CORPUS=${CORPUS:-$HOME/.cache/grail-bench/corpus-10000}

work=$(mktemp -d)
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() {
  while :; do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

if [ ! -f "$CORPUS/grail.toml" ]; then
  echo "generating the 10k-post corpus in $CORPUS"
  rm -rf "$CORPUS"; mkdir -p "$(dirname "$CORPUS")"
  go run ./bench/gencorpus -n 10000 -o "$CORPUS" >/dev/null
fi
go build -o "$work/grail" ./cmd/grail

port=$(free_port)
ulimit -n 65536 2>/dev/null || true
"$work/grail" serve --addr "127.0.0.1:$port" --access-log=false "$CORPUS" 2>"$work/grail.log" &
pid=$!
echo $pid > "$work/grail.pid"
for _ in $(seq 100); do curl -fso /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done

rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status"; }

# The plain mix: the home page, lists and 200 posts, each fetched once so
# that the runs measure a warm server.
curl -fs "http://127.0.0.1:$port/sitemap.xml" | grep -o '<loc>[^<]*' | sed 's|<loc>http://[^/]*||' |
  awk 'NR % 40 == 1' | head -300 > "$work/paths"
echo / >> "$work/paths"
while read -r p; do curl -fso /dev/null "http://127.0.0.1:$port$p"; done < "$work/paths"
post=$(grep -m1 '^/blog/' "$work/paths")

echo "wrk -t$THREADS -c$CONNS -d$DURATION per scenario; $(nproc) cores:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
echo "RSS after warming: $(rss)"

run() { # name, paths file, missing share, hosts
  local name=$1 before; before=$(rss)
  local out
  out=$(LOAD_PATHS=$2 LOAD_MISSING=$3 LOAD_HOSTS=$4 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout 5s \
    -s bench/load.lua "http://127.0.0.1:$port" | grep '^RESULT')
  printf "%-13s %s  RSS %s → %s\n" "$name" "${out#RESULT }" "$before" "$(rss)"
  echo "$out" | sed -n 's/.*rps=\([0-9]*\).*/\1/p' > "$work/$name.rps"
}

echo "$post" > "$work/post"; echo / > "$work/home"
run post "$work/post" 0 canonical
run home "$work/home" 0 canonical
run plain-mix "$work/paths" 0 canonical
run hostile-mix "$work/paths" 0.5 random
kill -0 "$pid" || { echo "grail serve died"; exit 1; }
awk -v h="$(cat "$work/hostile-mix.rps")" -v p="$(cat "$work/plain-mix.rps")" \
  'BEGIN {printf "hostile mix / plain mix: %.2f\n", h / p}'
