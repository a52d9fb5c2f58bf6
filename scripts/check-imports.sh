#!/usr/bin/env bash
# Checks the import boundaries of STYLE habit 3: commands/ does not know
# Slack exists; only bot/ and cmd/ import slack-go; only store/ and cmd/
# import go-redis; imports point inward (cmd → bot → commands → store,
# cmd → scheduler → store).
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)
fail=0
while read -r pkg imports; do
  rel=${pkg#"$mod"}
  rel=${rel#/}
  for imp in $imports; do
    case "$imp" in
      github.com/slack-go/slack*)
        case "$rel" in bot|bot/*|cmd/*) ;; *) echo "$rel imports $imp: only bot/ and cmd/ may use slack-go"; fail=1 ;; esac ;;
      github.com/redis/go-redis*|github.com/alicebob/miniredis*)
        case "$rel" in store|store/*|cmd/*) ;; *) echo "$rel imports $imp: only store/ and cmd/ may use Redis"; fail=1 ;; esac ;;
      "$mod"/bot*)
        case "$rel" in bot|bot/*|cmd/*) ;; *) echo "$rel imports $imp: only cmd/ may import bot/"; fail=1 ;; esac ;;
      "$mod"/scheduler*)
        case "$rel" in scheduler|scheduler/*|cmd/*) ;; *) echo "$rel imports $imp: only cmd/ may import scheduler/"; fail=1 ;; esac ;;
      "$mod"/commands*)
        case "$rel" in commands|commands/*|bot|bot/*|scheduler|scheduler/*|cmd/*) ;; *) echo "$rel imports $imp: store/ must not import commands/"; fail=1 ;; esac ;;
      "$mod"/cmd*)
        echo "$rel imports $imp: nothing imports a command"; fail=1 ;;
    esac
  done
done < <(go list -f '{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./...)
if [ "$fail" != 0 ]; then
  exit 1
fi
echo "import boundaries ok"
