#!/bin/sh
# Runs the gateway with /config/smi.yaml when present, else on the embedded defaults.
# Any arguments replace the default command (e.g. `docker run … decode --summary /config/capture.bin`).
set -e
if [ "$#" -gt 0 ]; then exec node /app/dist/smi.js "$@"; fi
if [ -f /config/smi.yaml ]; then exec node /app/dist/smi.js run --config /config/smi.yaml; fi
exec node /app/dist/smi.js run
