#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian/Ubuntu machine with Node 20
# (system packages: mosquitto, socat, docker.io, debootstrap, chromium, docker-compose; npm dependencies) and runs the whole
# suite: type checks, lint (incl. module boundaries), unit tests, integration tests against a real
# Mosquitto broker and socat pseudo-terminals, and the Docker image test (testcontainers).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || missing+=(mosquitto)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

export PATH="$PATH:/usr/sbin"
rm -f packages/*/.jest-results.json packages/*/.jest-docker-results.json
status=0
npx nx run-many -t typecheck lint test --output-style=stream --skip-nx-cache || status=$?
# one formatter for every source file (.prettierrc.json); `npm run format` fixes what this finds
npm run -s format:check >/dev/null || { npm run -s format:check; status=1; }

# The images: start an engine when none runs, make the base images offline (no image registry is
# needed), build the gateway image, the add-on image (same build stage, so its layers are reused)
# and a Mosquitto stand-in for the compose test, then test them (npm run test:docker).
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! docker info >/dev/null 2>&1; then
  ($sudo dockerd >"${TMPDIR:-/tmp}/smi-dockerd.log" 2>&1 &)
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
if ! command -v docker-compose >/dev/null 2>&1; then
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq docker-compose >/dev/null
fi
case "$(uname -m)" in aarch64) ha_arch=aarch64 ;; *) ha_arch=amd64 ;; esac
build() { docker build -q "$@" >/dev/null 2>"${TMPDIR:-/tmp}/smi-docker-build.log" || { cat "${TMPDIR:-/tmp}/smi-docker-build.log"; return 1; }; }
if $sudo bash scripts/docker-offline-base.sh \
  && build -f docker/Dockerfile -t smart-meter-interop:test . \
  && build -f addon/smart-meter-interop/Dockerfile --build-arg "BUILD_FROM=ghcr.io/home-assistant/${ha_arch}-base-debian:bookworm" --build-arg "BUILD_ARCH=${ha_arch}" -t smi-addon:test . \
  && build -f docker/test/mosquitto-standin.Dockerfile -t eclipse-mosquitto:2 docker/test; then
  (cd packages/gateway && TESTCONTAINERS_RYUK_DISABLED=true npm run test:docker) || status=$?
else
  echo "docker image build failed"
  status=1
fi

# Benchmark regression check (ratios against the npm peers, not absolute times; docs/performance.md):
# a figure more than 20 % below packages/decoder/bench/baseline.json fails. Uses the bundle the
# integration tests built.
[ -f packages/gateway/dist/smi.js ] || npm run -s build
npm run -s bench:check || status=1

node scripts/test-summary.mjs || status=1
exit $status
