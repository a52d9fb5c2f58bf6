#!/usr/bin/env bash
# Checks the import boundaries: every package of the module belongs to a
# layer of the table below, which says what of the project it may import;
# imports point inward (cmd → bot → commands → report → message → domain,
# cmd → scheduler → store → domain; when/ and domain/ are the ground and
# import nothing of the project). commands/ does not know Slack exists:
# only bot/, cmd/ and the fake Slack (slacktest/, which speaks slack-go's
# types) import slack-go; only store/ and cmd/ import go-redis; the test doubles and
# helpers (slacktest/, store/storetest, internal/) are for tests alone.
#
#   ./scripts/check-imports.sh              checks the module
#   ./scripts/check-imports.sh --self-test  proves each rule fires (and
#                                           that allowed imports pass), on
#                                           made-up import lines
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)

# allowed prints the project's packages (layers) that a package of layer
# $1 may import besides its own subpackages; "any" for cmd/, "?" for a
# package no layer names.
allowed() {
  case "$1" in
    domain | domain/* | when | when/* | slacktest | internal/*) echo "" ;;
    message | message/*) echo "domain" ;;
    store | store/*) echo "domain store" ;;
    report | report/*) echo "domain message store when" ;;
    commands | commands/*) echo "domain message report store when" ;;
    scheduler | scheduler/*) echo "domain message report store when" ;;
    bot | bot/*) echo "commands domain message when" ;;
    cmd/*) echo "any" ;;
    *) echo "?" ;;
  esac
}

# testOnly are the packages only tests may import, with all of internal/.
testOnly="slacktest store/storetest"

# layerOf is the layer a package path (relative to the module) is in: its
# first element, or the whole path for store/storetest and internal/….
layerOf() {
  case "$1" in
    store/storetest | internal/*) echo "$1" ;;
    *) echo "${1%%/*}" ;;
  esac
}

# why explains a refused edge of the project.
why() {
  local rel=$1 imp=$2
  case "$rel:$imp" in
    scheduler*:commands*) echo "the scheduler builds its posts with message/, not the command language" ;;
    message:*) echo "message/ renders the domain and imports domain/ alone" ;;
    domain*:* | when*:*) echo "domain/ and when/ are pure: they import nothing of the project" ;;
    store*:*) echo "store/ persists the domain: it imports domain/ alone" ;;
    slacktest*:* | internal/*:*) echo "the test doubles and helpers import nothing of the project" ;;
    *:cmd/*) echo "nothing imports a command" ;;
    *) echo "$rel may import only: $(allowed "$rel")" ;;
  esac
}

# check reads "<package> lib|test <imports…>" lines and prints each
# forbidden edge; it fails when there is one.
check() {
  local fail=0 pkg kind imports rel imp irel layer ok
  while read -r pkg kind imports; do
    rel=${pkg#"$mod"}
    rel=${rel#/}
    if [ "$(allowed "$rel")" = "?" ]; then
      echo "$rel is in no layer of scripts/check-imports.sh: add it to the table"
      fail=1
      continue
    fi
    for imp in $imports; do
      case "$imp" in
        github.com/slack-go/slack*)
          case "$rel" in bot | bot/* | slacktest | slacktest/* | cmd/*) ;; *) echo "$rel imports $imp: only bot/, slacktest/ and cmd/ may use slack-go"; fail=1 ;; esac
          continue ;;
        github.com/redis/go-redis* | github.com/alicebob/miniredis*)
          case "$rel" in store | store/* | cmd/*) ;; *) echo "$rel imports $imp: only store/ and cmd/ may use Redis"; fail=1 ;; esac
          continue ;;
        "$mod" | "$mod"/*) ;;
        *) continue ;;
      esac
      irel=${imp#"$mod"}
      irel=${irel#/}
      # A package's own subpackages, and its own package (an external test).
      if [ "$irel" = "$rel" ] || [[ "$irel" == "$rel"/* ]]; then
        continue
      fi
      layer=$(layerOf "$irel")
      if [[ " $testOnly " == *" $layer "* ]] || [[ "$layer" == internal/* ]]; then
        if [ "$kind" != test ]; then
          echo "$rel imports $imp: $layer is for tests alone"
          fail=1
        fi
        continue
      fi
      ok=0
      case "$irel" in
        cmd/*) ;;
        *)
          for a in $(allowed "$rel"); do
            if [ "$a" = any ] || [ "$a" = "$layer" ]; then ok=1; fi
          done ;;
      esac
      if [ "$ok" = 0 ]; then
        echo "$rel imports $imp: $(why "$rel" "$irel")"
        fail=1
      fi
    done
  done
  return "$fail"
}

if [ "${1:-}" = "--self-test" ]; then
  status=0
  # Each line must be refused: a rule that no longer fires fails the run.
  while read -r line; do
    if printf '%s\n' "$line" | check >/dev/null; then
      echo "self-test: the check accepted a forbidden import: $line"
      status=1
    fi
  done <<LINES
$mod/domain lib $mod/store
$mod/domain lib $mod/when
$mod/domain test $mod/message
$mod/when lib $mod/domain
$mod/when lib $mod/commands
$mod/message lib $mod/store
$mod/message lib $mod/when
$mod/message lib $mod/commands
$mod/store lib $mod/message
$mod/store lib $mod/commands
$mod/store lib $mod/when
$mod/report lib $mod/commands
$mod/report lib $mod/scheduler
$mod/commands lib $mod/bot
$mod/commands lib $mod/scheduler
$mod/scheduler lib $mod/commands
$mod/scheduler/x lib $mod/commands
$mod/scheduler test $mod/commands
$mod/scheduler lib $mod/bot
$mod/bot lib $mod/scheduler
$mod/bot lib $mod/store
$mod/bot lib $mod/cmd/outreachbot
$mod/slacktest lib $mod/bot
$mod/slacktest lib $mod/domain
$mod/internal/golden lib $mod/message
$mod/commands lib github.com/slack-go/slack
$mod/message lib github.com/slack-go/slack
$mod/commands lib github.com/redis/go-redis/v9
$mod/scheduler test github.com/alicebob/miniredis/v2
$mod/bot lib $mod/slacktest
$mod/commands lib $mod/store/storetest
$mod/scheduler lib $mod/internal/testclock
$mod/message lib $mod/internal/golden
$mod/newlayer lib fmt
LINES
  # And each line must pass: the rules do not refuse what the layers allow.
  while read -r line; do
    if ! out=$(printf '%s\n' "$line" | check); then
      echo "self-test: the check refused an allowed import: $line: $out"
      status=1
    fi
  done <<LINES
$mod/domain lib fmt golang.org/x/text/cases
$mod/when lib github.com/robfig/cron/v3
$mod/message lib $mod/domain
$mod/store lib $mod/domain github.com/redis/go-redis/v9
$mod/store test $mod/store $mod/store/storetest $mod/internal/testclock
$mod/report lib $mod/domain $mod/message $mod/store $mod/when
$mod/commands lib $mod/domain $mod/message $mod/report $mod/store $mod/when
$mod/commands test $mod/commands $mod/internal/golden $mod/store/storetest
$mod/scheduler lib $mod/domain $mod/message $mod/report $mod/store $mod/when
$mod/bot lib $mod/commands $mod/domain $mod/message github.com/slack-go/slack
$mod/bot test $mod/slacktest $mod/internal/testclock
$mod/slacktest lib github.com/slack-go/slack
$mod/slacktest test github.com/slack-go/slack/socketmode $mod/internal/testclock
$mod/cmd/outreachbot lib $mod/bot $mod/scheduler $mod/store github.com/redis/go-redis/v9 github.com/slack-go/slack
$mod/cmd/outreachbot test $mod/slacktest $mod/store/storetest
LINES
  [ "$status" = 0 ] && echo "import boundary self-test ok"
  exit "$status"
fi

if ! go list -f '{{.ImportPath}} lib {{join .Imports " "}}
{{.ImportPath}} test {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | check; then
  exit 1
fi
echo "import boundaries ok"
