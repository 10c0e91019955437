#!/usr/bin/env bash
# Installs the Debian packages a profile needs when they are missing and we are root; otherwise says,
# in one line per missing part, what will be skipped.  Profiles: run (PDF rendering), test (+ servers,
# Chromium).
set -uo pipefail
profile=${1:-test}
missing=()

have_lib() { ldconfig -p 2>/dev/null | grep "$1" >/dev/null; }  # no -q: under pipefail an early exit would fail the pipe
have_font() { fc-list 2>/dev/null | grep -i "Noto Sans CJK\|Noto Serif CJK" >/dev/null; }
has_initdb() { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }

have_lib libpango-1.0.so || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
have_lib libharfbuzz-subset.so || missing+=(libharfbuzz-subset0)
have_font || missing+=(fonts-noto-cjk fontconfig)
if [ "$profile" = "test" ]; then
    has_initdb || missing+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "system: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/tmp/zlj-apt.log 2>&1 || {
        apt-get update -q >>/tmp/zlj-apt.log 2>&1
        apt-get install -y -q "${missing[@]}" >>/tmp/zlj-apt.log 2>&1 || echo "system: apt-get could not install ${missing[*]} (see /tmp/zlj-apt.log); tests that need them will skip"
    }
else
    echo "system: missing ${missing[*]} and not root: the tests that need them will skip"
fi
exit 0
