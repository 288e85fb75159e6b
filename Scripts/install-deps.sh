#!/usr/bin/env bash
# Installs the system libraries Haul needs on Debian when they are missing: GLPK 5 (libglpk-dev) and
# SQLite 3 (libsqlite3-dev, the job service's embedded store).
set -euo pipefail
missing=()
[ -f /usr/include/glpk.h ] || missing+=(libglpk-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
