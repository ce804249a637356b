#!/usr/bin/env bash
# One-time (idempotent) set-up on Debian with Node 20: system packages, npm dependencies, build.
# Run as root (or with sudo available). Used by both README commands and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# Debian packages. The demo (`npm start`) needs only libpcap-dev, to build `cap`; the rest are for
# the tests: live capture and the labs (iproute2 namespaces, procps, FRR routers, tcpdump, ethtool)
# the dashboard's browser tests (chromium), the probe-to-collector tests (nats-server) and the
# PostgreSQL store's tests (postgresql). `./setup.sh --demo` installs only what the demo needs;
# `./setup.sh --bench` adds tshark, which `npm run bench` times mcast against.
DEMO_PACKAGES=(libpcap-dev)
TEST_PACKAGES=(iproute2 procps frr tcpdump ethtool chromium nats-server postgresql)
packages=("${DEMO_PACKAGES[@]}")
case "${1:-}" in
  --demo) ;;
  "") packages+=("${TEST_PACKAGES[@]}") ;;
  --bench) packages+=("${TEST_PACKAGES[@]}" tshark) ;;
  *) echo "usage: ./setup.sh [--demo | --bench]" >&2; exit 2 ;;
esac
need=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Native addons build against Node's own headers (no download possible here).
if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
