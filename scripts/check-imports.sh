#!/usr/bin/env bash
# Checks the import boundaries of STYLE habit 3: commands/ does not know
# Slack exists; only bot/ and cmd/ import slack-go; only store/ and cmd/
# import go-redis; imports point inward (cmd → bot → commands → message →
# store, cmd → scheduler → message → store); the scheduler never borrows
# from the command language.
#
#   ./scripts/check-imports.sh              checks the module
#   ./scripts/check-imports.sh --self-test  proves each rule fires, on
#                                           made-up import lines
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)

# check reads "<package> <imports…>" lines and prints each forbidden edge;
# it fails when there is one.
check() {
  local fail=0 pkg imports rel imp
  while read -r pkg imports; do
    rel=${pkg#"$mod"}
    rel=${rel#/}
    for imp in $imports; do
      case "$imp" in
        github.com/slack-go/slack*)
          case "$rel" in bot|bot/*|slacktest|slacktest/*|cmd/*) ;; *) echo "$rel imports $imp: only bot/, slacktest/ and cmd/ may use slack-go"; fail=1 ;; esac ;;
        github.com/redis/go-redis*|github.com/alicebob/miniredis*)
          case "$rel" in store|store/*|cmd/*) ;; *) echo "$rel imports $imp: only store/ and cmd/ may use Redis"; fail=1 ;; esac ;;
        "$mod"/bot*)
          case "$rel" in bot|bot/*|cmd/*) ;; *) echo "$rel imports $imp: only cmd/ may import bot/"; fail=1 ;; esac ;;
        "$mod"/scheduler*)
          case "$rel" in scheduler|scheduler/*|cmd/*) ;; *) echo "$rel imports $imp: only cmd/ may import scheduler/"; fail=1 ;; esac ;;
        "$mod"/commands*)
          case "$rel" in
            commands|commands/*|bot|bot/*|cmd/*) ;;
            scheduler|scheduler/*) echo "$rel imports $imp: the scheduler builds its posts with message/, not the command language"; fail=1 ;;
            *) echo "$rel imports $imp: only bot/ and cmd/ may import commands/"; fail=1 ;;
          esac ;;
        "$mod"/message*)
          case "$rel" in store|store/*) echo "$rel imports $imp: store/ must not import message/"; fail=1 ;; esac ;;
        "$mod"/cmd*)
          echo "$rel imports $imp: nothing imports a command"; fail=1 ;;
      esac
    done
  done
  return "$fail"
}

if [ "${1:-}" = "--self-test" ]; then
  # Each line must be refused; a rule that no longer fires fails the run.
  status=0
  while read -r line; do
    if printf '%s\n' "$line" | check >/dev/null; then
      echo "self-test: the check accepted a forbidden import: $line"
      status=1
    fi
  done <<LINES
$mod/scheduler $mod/commands
$mod/scheduler/x $mod/commands
$mod/commands github.com/slack-go/slack
$mod/message github.com/slack-go/slack
$mod/commands github.com/redis/go-redis/v9
$mod/message $mod/commands
$mod/store $mod/message
$mod/store $mod/commands
$mod/commands $mod/bot
$mod/commands $mod/scheduler
$mod/bot $mod/cmd/outreachbot
LINES
  [ "$status" = 0 ] && echo "import boundary self-test ok"
  exit "$status"
fi

if ! go list -f '{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | check; then
  exit 1
fi
echo "import boundaries ok"
