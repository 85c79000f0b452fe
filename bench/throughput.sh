#!/usr/bin/env bash
# Requests per second for a post page and the home page of the 10k-post
# corpus: grail serve (warm) against nginx serving the same bytes as static
# files, measured in the same run, alternating, with wrk on loopback; then
# grail's requests per second for an address that does not exist (a 404),
# as a fraction of the post's.
#
#   bench/throughput.sh            # 3 rounds of 10 s per server and page
#   ROUNDS=5 DURATION=10s bench/throughput.sh
#
# Needs wrk and nginx (scripts/install-test-deps.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
CORPUS=${CORPUS:-$HOME/.cache/grail-bench/corpus-10000}
ACCESS_LOG=${ACCESS_LOG:-off} # "on": both servers log every request to a file

work=$(mktemp -d)
chmod 755 "$work" # nginx workers run as another user
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

# A port nothing listens on (nothing answers a connection to it).
free_port() {
  while :; do
    p=$((20000 + RANDOM % 12000)) # below the ephemeral range, where clients take ports
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

if [ ! -f "$CORPUS/grail.toml" ]; then
  echo "generating the 10k-post corpus in $CORPUS"
  rm -rf "$CORPUS"; mkdir -p "$(dirname "$CORPUS")"
  go run ./bench/gencorpus -n 10000 -o "$CORPUS" >/dev/null
fi
go build -o "$work/grail" ./cmd/grail

gport=$(free_port); nport=$(free_port)
glog=/dev/null; [ "$ACCESS_LOG" = on ] && glog="$work/grail-access.log"
"$work/grail" serve --addr "127.0.0.1:$gport" --access-log="$( [ "$ACCESS_LOG" = on ] && echo true || echo false )" "$CORPUS" 2>"$glog" &
echo $! > "$work/grail.pid"
for _ in $(seq 100); do curl -fso /dev/null "http://127.0.0.1:$gport/healthz" && break; sleep 0.1; done

post=$(curl -fs "http://127.0.0.1:$gport/sitemap.xml" | grep -o '<loc>[^<]*/blog/[^<]*' | sed -n 100p | sed 's|<loc>http://[^/]*||')
mkdir -p "$work/www$(dirname "$post")"
curl -fso "$work/www$post" "http://127.0.0.1:$gport$post"
curl -fso "$work/www/index.html" "http://127.0.0.1:$gport/"

nginx_log="access_log off;"; [ "$ACCESS_LOG" = on ] && nginx_log="access_log $work/nginx-access.log;"
cat > "$work/nginx.conf" <<CONF
worker_processes $(nproc);
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
events { worker_connections 4096; }
http {
  $nginx_log
  default_type text/html;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  server { listen 127.0.0.1:$nport; root $work/www; }
}
CONF
nginx -c "$work/nginx.conf" &
for _ in $(seq 100); do curl -fso /dev/null "http://127.0.0.1:$nport/" && break; sleep 0.1; done

cmp <(curl -fs "http://127.0.0.1:$gport$post") "$work/www$post"
cmp <(curl -fs "http://127.0.0.1:$nport$post") "$work/www$post"
echo "post page: $post ($(stat -c %s "$work/www$post") bytes), home page: $(stat -c %s "$work/www/index.html") bytes"
echo "wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS rounds, access logs $ACCESS_LOG; $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"

rps() { wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" "$1" | awk '/Requests\/sec/ {print $2}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for page in post home; do
  path=$post; [ $page = home ] && path=/
  npath=$path; [ $page = home ] && npath=/index.html
  : > "$work/g"; : > "$work/n"
  for r in $(seq "$ROUNDS"); do
    rps "http://127.0.0.1:$nport$npath" >> "$work/n"
    rps "http://127.0.0.1:$gport$path" >> "$work/g"
  done
  g=$(median < "$work/g"); n=$(median < "$work/n")
  printf "%-5s grail %9.0f req/s   nginx %9.0f req/s   ratio %.2f   (rounds: grail %s; nginx %s)\n" \
    "$page" "$g" "$n" "$(awk -v g="$g" -v n="$n" 'BEGIN {print g / n}')" "$(paste -sd' ' "$work/g")" "$(paste -sd' ' "$work/n")"
  [ $page = post ] && gpost=$g
done

missing=/blog/no-such-post-$RANDOM
[ "$(curl -so /dev/null -w '%{http_code}' "http://127.0.0.1:$gport$missing")" = 404 ]
: > "$work/m"
for r in $(seq "$ROUNDS"); do rps "http://127.0.0.1:$gport$missing" >> "$work/m"; done
m=$(median < "$work/m")
printf "404   grail %9.0f req/s   ratio to the post %.2f   (rounds: %s)\n" \
  "$m" "$(awk -v m="$m" -v g="$gpost" 'BEGIN {print m / g}')" "$(paste -sd' ' "$work/m")"
