#!/usr/bin/env bash
# `npm run quickstart [-- --port N]`: runs scripts/quickstart/main.ts as built into dist/ (by `npm ci`; built here first when dist/ predates it).
cd "$(dirname "$0")/.." && { [ -f dist/scripts/quickstart/main.js ] || { echo "dist/ is missing or old; building it (npm run build)"; npm run build >/dev/null; }; } && exec node dist/scripts/quickstart/main.js "$@"
