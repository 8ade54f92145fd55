#!/bin/sh
# Removes from the runtime node_modules what nothing loads at run time: type declarations, source
# maps, TypeScript sources, docs, and serialport's addons for other platforms. Licences stay.
set -eu
M=${1:?usage: runtime-prune.sh NODE_MODULES}
ARCH=$(node -p process.arch)
rm -rf "$M/@types" "$M/zod/src" "$M/.package-lock.json"
find "$M" -type f \( -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' -o -name '*.map' -o -name '*.ts' \
  -o -iname 'readme*' -o -iname 'changelog*' -o -iname 'history.md' -o -name '*.gyp' -o -name '*.gypi' \) -delete
find "$M" -depth -type d \( -name test -o -name tests -o -name example -o -name examples -o -name docs -o -name .github \) -exec rm -rf {} +
for b in "$M"/@serialport/bindings-cpp/prebuilds; do
  [ -d "$b" ] || continue
  for d in "$b"/*; do [ "$(basename "$d")" = "linux-$ARCH" ] || rm -rf "$d"; done
  find "$b" -name '*.musl.node' -delete
done
rm -rf "$M"/@serialport/bindings-cpp/src "$M"/node-addon-api "$M"/@serialport/bindings-cpp/node_modules/node-addon-api
