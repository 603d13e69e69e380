#!/bin/sh
# Make sure the browser tests have Debian's Chromium (tests/conftest.py looks for it at /usr/bin/chromium, or
# at $CITYKG_CHROMIUM). Called by `make test`, `make test-quick` and .ci/run.
#   - present: nothing to do;
#   - missing, as root with apt-get: apt-get install chromium (~113 MB download);
#   - missing otherwise, or the install failed: one line saying the browser tests will be skipped; in CI
#     (CI set, or CITYKG_REQUIRE_BROWSER=1, which .ci/run sets) an error instead, as in tests/conftest.py.
set -u
CHROMIUM="${CITYKG_CHROMIUM:-/usr/bin/chromium}"
[ -x "$CHROMIUM" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: $CHROMIUM is missing; installing Debian's chromium for the browser tests"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
        [ -x "$CHROMIUM" ] && exit 0
        why="Debian's chromium is installed, but not there"
    else
        why="apt-get could not install chromium"
    fi
else
    why="installing it needs root and apt-get"
fi

ci=$(printf %s "${CI:-}" | tr '[:upper:]' '[:lower:]')
case "$ci" in ""|0|false|no) ;; *) CITYKG_REQUIRE_BROWSER=1 ;; esac
if [ "${CITYKG_REQUIRE_BROWSER:-}" = 1 ]; then
    echo "ensure-chromium: Chromium not found at $CHROMIUM ($why), and this run requires it (CI)" >&2
    exit 1
fi
echo "ensure-chromium: Chromium not found at $CHROMIUM ($why): the browser tests will be skipped"
