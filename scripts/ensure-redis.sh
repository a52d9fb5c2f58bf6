#!/usr/bin/env bash
# Makes sure redis-server and redis-sentinel are installed: the tests start
# their own servers (one node, a Cluster, Sentinel) on free loopback ports,
# so nothing needs to be running.
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
if [ ${#missing[@]} = 0 ]; then
  exit 0
fi
echo "not found: ${missing[*]}; installing" >&2
sudo_cmd=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then
  sudo_cmd="sudo"
fi
if command -v apt-get >/dev/null 2>&1; then
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v brew >/dev/null 2>&1; then
  brew install redis # redis-server, redis-cli and redis-sentinel
else
  echo "Please install Redis 7 (redis-server, redis-cli, redis-sentinel) with your package manager, then run this again." >&2
  exit 1
fi
for c in redis-server redis-cli redis-sentinel; do
  command -v "$c" >/dev/null 2>&1 || { echo "$c still not on PATH after installing" >&2; exit 1; }
done
