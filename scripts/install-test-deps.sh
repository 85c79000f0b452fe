#!/usr/bin/env bash
# Installs what grail's tests and benchmarks need beyond Go itself, on a
# Debian machine, as root. Idempotent: each step checks first and does
# nothing when its tool is already there, so a warm run takes a second.
#
#   scripts/install-test-deps.sh            # every step
#   scripts/install-test-deps.sh s3_server  # only the named steps
#
# To add a dependency, write a step_NAME function below and list NAME in
# ALL_STEPS. Use apt_install for Debian packages: it runs apt-get update
# once, and only when something is actually missing, because the machine's
# package lists may be too old to download from. npm packages belong to the
# packages that declare them: a step that runs `npm ci` in such a directory
# goes here too.
set -euo pipefail

# Keep in step with ServerModule/ServerVersion in internal/s3test/install.go.
S3_SERVER_MODULE=github.com/versity/versitygw
S3_SERVER_PKG=$S3_SERVER_MODULE/cmd/versitygw
S3_SERVER_VERSION=v1.8.0
# Where internal/s3test looks first.
TEST_BIN=${GRAIL_TEST_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/grail-test/bin}

ALL_STEPS=(browser java hugo jekyll bench_tools s3_server npm_packages)

say() { printf 'install-test-deps: %s\n' "$*"; }
die() { say "error: $*" >&2; exit 1; }

# ---- helpers -------------------------------------------------------------

APT_UPDATED=
# Waits for a dpkg lock held by another apt run instead of failing at once.
APT_OPTS=(-o DPkg::Lock::Timeout=600 -qq)

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

# apt_install PKG...: installs those of PKG not yet installed.
apt_install() {
	local missing=() p
	for p in "$@"; do
		is_installed "$p" || missing+=("$p")
	done
	if ((${#missing[@]} == 0)); then
		say "$*: already installed"
		return
	fi
	[[ $EUID == 0 ]] || die "installing ${missing[*]} needs root"
	if [[ -z $APT_UPDATED ]]; then
		say "apt-get update"
		quiet apt-get "${APT_OPTS[@]}" update
		APT_UPDATED=1
	fi
	say "apt-get install ${missing[*]}"
	quiet no_service_start DEBIAN_FRONTEND=noninteractive \
		apt-get "${APT_OPTS[@]}" install -y --no-install-recommends "${missing[@]}"
}

# quiet CMD...: runs CMD and shows its output only if it fails, keeping a
# good run to one line per step.
quiet() {
	local out rc=0
	out=$(mktemp)
	"$@" >"$out" 2>&1 || rc=$?
	((rc == 0)) || cat "$out" >&2
	rm -f "$out"
	return "$rc"
}

# no_service_start CMD...: runs CMD with Debian's service start-up denied,
# so installing nginx does not start a system nginx on port 80; tests and
# benchmarks run their own on free ports.
no_service_start() {
	local policy=/usr/sbin/policy-rc.d
	if [[ -e $policy ]]; then
		env "$@"
		return
	fi
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod +x "$policy"
	local rc=0
	env "$@" || rc=$?
	rm -f "$policy"
	return "$rc"
}

go_cmd() {
	command -v go 2>/dev/null || { [[ -x /usr/local/go/bin/go ]] && echo /usr/local/go/bin/go; } ||
		die "the go command is not on PATH"
}

# ---- steps ---------------------------------------------------------------

# Headless browser tests.
step_browser() { apt_install chromium; }

# The real Hugo builds the fixture Hugo sites of internal/web's tests, so
# that grail is checked against the addresses Hugo itself publishes.
step_hugo() { apt_install hugo; }

# The real Jekyll, with the feed, paginate and sitemap plugins, builds the
# fixture Jekyll site of internal/web's tests, for the same check against
# the addresses Jekyll itself publishes.
step_jekyll() { apt_install jekyll ruby-jekyll-feed ruby-jekyll-paginate ruby-jekyll-sitemap; }

# vnu-jar, the HTML validator, needs a Java runtime; any java will do.
step_java() {
	if command -v java >/dev/null; then
		say "java: already installed ($(command -v java))"
		return
	fi
	apt_install default-jre-headless
}

# Load generators, a timer and a reference static server for benchmarks.
step_bench_tools() { apt_install wrk hyperfine nginx; }

# The S3-compatible server internal/s3test runs, identified by the module
# version Go embedded in it (its --version flag does not say).
step_s3_server() {
	local go bin=$TEST_BIN/versitygw have
	go=$(go_cmd)
	have=$("$go" version -m "$bin" 2>/dev/null | awk -v m="$S3_SERVER_MODULE" '$1 == "mod" && $2 == m { print $3 }') || true
	if [[ $have == "$S3_SERVER_VERSION" ]]; then
		say "versitygw $S3_SERVER_VERSION: already installed in $TEST_BIN"
		return
	fi
	say "go install $S3_SERVER_PKG@$S3_SERVER_VERSION into $TEST_BIN"
	mkdir -p "$TEST_BIN"
	# The lock is the one internal/s3test takes before installing, so a test
	# run started meanwhile waits instead of building a second copy. The
	# build runs outside the repository so grail's go.mod plays no part.
	(cd / && GOBIN=$TEST_BIN GOFLAGS=-buildvcs=false \
		quiet flock "$TEST_BIN/.versitygw.lock" "$go" install "$S3_SERVER_PKG@$S3_SERVER_VERSION")
}

# The Node packages of the browser tests (e2e/) and of the CDK app
# (deploy/), exactly as their lock files say; skipped when node_modules
# already matches the lock file.
step_npm_packages() {
	local dir
	for dir in e2e deploy; do
		[[ -f $dir/package-lock.json ]] || continue
		if [[ -f $dir/node_modules/.package-lock.json && $dir/node_modules/.package-lock.json -nt $dir/package-lock.json ]]; then
			say "$dir: npm packages already installed"
			continue
		fi
		say "$dir: npm ci"
		(cd "$dir" && quiet npm ci --no-audit --no-fund)
	done
}

# ---- main ----------------------------------------------------------------

main() {
	cd "$(dirname "$0")/.."
	local start=$SECONDS s steps=("${ALL_STEPS[@]}")
	(($# > 0)) && steps=("$@")
	for s in "${steps[@]}"; do
		declare -F "step_$s" >/dev/null || die "no step named $s (steps: ${ALL_STEPS[*]})"
		"step_$s"
	done
	say "done in $((SECONDS - start))s"
}

main "$@"
