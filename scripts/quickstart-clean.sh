#!/usr/bin/env bash
# Stops the service a quickstart left running (by its pid file) and removes the quickstart's data dir
# (.keyplane/quickstart, or KEYPLANE_QUICKSTART_DIR): store, keys, provider mirror, Terraform state.
set -euo pipefail
cd "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/quickstart-lib.sh
source scripts/quickstart-lib.sh
stop_quickstart_server
rm -rf "$DATA"
echo "removed $REL_DATA"
