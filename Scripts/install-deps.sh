#!/usr/bin/env bash
# Installs what Haul needs on Debian when it is missing: GLPK 5 (libglpk-dev) and SQLite 3
# (libsqlite3-dev, the job service's embedded store). With --tests (Scripts/test.sh) also Chromium
# (chromium: the headless browser that drives the service's web page in WebPageBrowserTests).
set -euo pipefail
tests=0
for arg in "$@"; do
    case "$arg" in
        --tests) tests=1 ;;
        *) echo "usage: $0 [--tests]" >&2; exit 64 ;;
    esac
done
missing=()
[ -f /usr/include/glpk.h ] || missing+=(libglpk-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
if [ "$tests" = 1 ] && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium); fi
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
