#!/usr/bin/env bash
# Installs the system libraries Haul needs on Debian when they are missing: GLPK 5 (libglpk-dev).
set -euo pipefail
if [ ! -f /usr/include/glpk.h ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libglpk-dev
fi
