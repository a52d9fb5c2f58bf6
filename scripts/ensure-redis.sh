#!/usr/bin/env bash
# Makes sure redis-server is installed: the tests start their own servers
# on free loopback ports, so nothing needs to be running.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
echo "redis-server not found; installing it" >&2
sudo_cmd=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then
  sudo_cmd="sudo"
fi
if command -v apt-get >/dev/null 2>&1; then
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server >/dev/null
elif command -v brew >/dev/null 2>&1; then
  brew install redis
else
  echo "Please install Redis (redis-server 6.2 or newer) with your package manager, then run this again." >&2
  exit 1
fi
command -v redis-server >/dev/null 2>&1 || { echo "redis-server still not on PATH after installing" >&2; exit 1; }
