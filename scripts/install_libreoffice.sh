#!/usr/bin/env bash
# Install LibreOffice (>= 25.2 from Debian backports when available; 7.4 cannot compute modern Excel
# functions) and poppler-utils (pdftoppm) for rendering workbooks headlessly. Needs root (apt-get).
# Not part of the default test run. The backports source reuses the mirror already configured for
# the machine's main Debian suite.
set -euo pipefail
need() { command -v soffice >/dev/null 2>&1 && soffice --version | grep -qE 'LibreOffice (2[5-9]|[3-9][0-9])'; }
if need && command -v pdftoppm >/dev/null 2>&1; then soffice --version; exit 0; fi
. /etc/os-release
src=/etc/apt/sources.list.d/debian.sources
bp=/etc/apt/sources.list.d/xlcell-backports.sources
if [ -f "$src" ] && [ ! -f "$bp" ]; then
  uri=$(awk '/^URIs:/ {print $2; exit}' "$src")
  printf 'Types: deb\nURIs: %s\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" "$VERSION_CODENAME" > "$bp"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
policy=$(apt-cache policy libreoffice-calc-nogui)  # (not piped into grep -q: pipefail + SIGPIPE)
if [[ "$policy" == *"${VERSION_CODENAME}-backports"* ]]; then
  apt-get install -y -qq -t "${VERSION_CODENAME}-backports" libreoffice-calc-nogui >/dev/null
else
  apt-get install -y -qq libreoffice-calc-nogui >/dev/null
fi
apt-get install -y -qq poppler-utils fonts-dejavu-core >/dev/null
soffice --version
