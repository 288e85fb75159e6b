#!/usr/bin/env bash
# The test command: installs what is missing (with Chromium for the web page's browser test), checks
# the JSON schemas, then runs the whole suite.
# Release mode with testing enabled: solver code in debug builds runs 10-50x slower.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-deps.sh --tests
export HAUL_INSTANCES="${HAUL_INSTANCES:-$(cd .. && pwd)/shared/instances}"
swift build -c release -Xswiftc -enable-testing --build-tests

# The examples and the plans haul writes for them must match docs/*.schema.json.
if ! python3 -c "import jsonschema" 2>/dev/null; then
    python3 -m pip install -q jsonschema 2>/dev/null || python3 -m pip install -q --break-system-packages jsonschema
fi
plans=$(mktemp -d)
trap 'rm -rf "$plans"' EXIT
for example in Instances/examples/*.json; do
    .build/release/haul solve "$example" --time-limit 0.5 --quiet --output "$plans/$(basename "$example")"
done
python3 Scripts/check-schemas.py "$plans"/*.json

# The suite is XCTest; without Swift Testing the run closes on XCTest's "Executed N tests" line.
# It runs beside a private PostgreSQL server (installed from Debian's packages when missing) so that
# the job-store tests exercise PostgreSQL too; HAUL_TEST_POSTGRES=0 runs without it (those tests skip).
if [ "${HAUL_TEST_POSTGRES:-1}" = 0 ]; then
    swift test -c release -Xswiftc -enable-testing --skip-build --disable-swift-testing "$@"
else
    bash Scripts/with-postgres.sh swift test -c release -Xswiftc -enable-testing --skip-build --disable-swift-testing "$@"
fi
