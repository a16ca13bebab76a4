#!/usr/bin/env bash
# The Debian packages the platform needs beside its Python dependencies, installed only when
# missing: Pango, fontconfig and CJK fonts for the PDF posters (WeasyPrint embeds the fonts),
# Graphviz for the procedure flowcharts;
# with --browser also Chromium, which the browser tests drive through Playwright;
# with --pgbouncer also PgBouncer, which tests/scale/test_pgbouncer.py puts in front of PostgreSQL
# (production runs it beside PostgreSQL: docs/scaling.md).
set -euo pipefail

need=()
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v fc-list >/dev/null || need+=(fontconfig)
{ command -v fc-list >/dev/null && fc-list :lang=zh family 2>/dev/null | grep -q .; } || need+=(fonts-noto-cjk)
# Graphviz's dot lays out the procedure flowcharts (亮程序) as SVG on the server.
command -v dot >/dev/null || need+=(graphviz)
for flag in "$@"; do
  case "$flag" in
    --browser) command -v chromium >/dev/null || need+=(chromium) ;;
    --pgbouncer) command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer) ;;
  esac
done

if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "Not root: install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
