#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian/Ubuntu machine with Node 20
# (system packages: mosquitto, socat; npm dependencies) and runs the whole suite:
# type checks, lint (incl. module boundaries), unit tests, and integration tests against a real
# Mosquitto broker and socat pseudo-terminals.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || missing+=(mosquitto)
command -v socat >/dev/null 2>&1 || missing+=(socat)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

export PATH="$PATH:/usr/sbin"
rm -f packages/*/.jest-results.json
status=0
npx nx run-many -t typecheck lint test --output-style=stream --skip-nx-cache || status=$?
node scripts/test-summary.mjs || status=1
exit $status
