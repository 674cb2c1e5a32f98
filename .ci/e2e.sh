#!/usr/bin/env bash
# End-to-end test of the real dlearn binary in a real terminal (tmux at
# 120×40): open linreg from the home screen, answer its first question and
# read the reveal, step 10 times, check that W, its gradient and the loss are
# on screen and changed, step back, run and pause, shrink the terminal to
# 40×12 and back, run it again from the start (R), quit with q and check the
# terminal is restored and the answer saved. Prints what it checks; exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
sock="dlearn-e2e-$$"
bin="$work/dlearn"
export DLEARN_HOME="$work/home"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$bin" ./cmd/dlearn

pane() { tmux -L "$sock" capture-pane -p -t e2e; }
send() { tmux -L "$sock" send-keys -t e2e "$@"; }
fail() {
  echo "e2e: FAIL: $*"
  echo "----- screen -----"; pane; echo "------------------"
  exit 1
}
# wait_for TEXT [SECONDS]: until the screen shows TEXT.
wait_for() {
  local deadline=$((SECONDS + ${2:-15}))
  until pane | grep -qF -- "$1"; do
    [ $SECONDS -lt $deadline ] || fail "timed out waiting for '$1'"
    sleep 0.1
  done
}
# field NAME: the value column of the parameters-table row NAME.
field() { pane | grep -oE "│$1 +-?[0-9][0-9.e+-]*" | head -1 | awk '{ print $NF }'; }
# step_no: the training step shown in the header ("step K/N").
step_no() { pane | grep -oE 'step [0-9]+/[0-9]+' | head -1 | sed -E 's/step ([0-9]+).*/\1/'; }
ok() { echo "e2e: ok: $*"; }

tmux -L "$sock" -f /dev/null new-session -d -s e2e -x 120 -y 40 "env -u TMUX bash --norc --noprofile"
send "PS1='$ '; clear; echo before-dlearn; TERM=xterm-256color $bin; echo dlearn-exit=\$?" Enter
wait_for "Linear regression"
ok "home screen lists the lessons"

send Enter
wait_for "step 0/400"
ok "linreg opened"

# Predict, then reveal: linreg asks at the start whether the run will reach
# its goal; the question waits (space does not advance), 1 answers it.
wait_for "You are done when"
wait_for "? Predict"
wait_for "Before we start"
wait_for "2  no"
ok "the goal and the first question are on screen"
send Space
wait_for "answer the question first"
[ "$(step_no)" = "0" ] || fail "space advanced past a waiting question"
ok "space does not advance while the question waits"
send 1
wait_for "✓ Right"
wait_for "Yes: it ends at"
pane | grep -qF "✓  1  yes" || fail "the reveal does not mark the right choice"
ok "answered 1 (yes): the reveal says right, marks the answer and explains it"

send s
w0=$(field W); loss0=$(field loss)
for _ in $(seq 10); do send Space; sleep 0.05; done
wait_for "step 10/400"
sleep 0.3
w10=$(field W); loss10=$(field loss)
dw10=$(pane | grep -oE "│W +-?[0-9][0-9.e+-]* +-?[0-9][0-9.e+-]*" | head -1 | awk '{ print $NF }')
pane | grep -qi 'gradient' || fail "no gradient column on screen"
[ -n "$w0" ] && [ -n "$w10" ] || fail "could not read W (before '$w0', after '$w10')"
[ -n "$loss0" ] && [ -n "$loss10" ] || fail "could not read the loss (before '$loss0', after '$loss10')"
[ -n "$dw10" ] || fail "could not read dW"
[ "$w0" != "$w10" ] || fail "W did not change over 10 steps ($w0)"
[ "$loss0" != "$loss10" ] || fail "the loss did not change over 10 steps ($loss0)"
ok "10 steps: W $w0 -> $w10, dW $dw10, loss $loss0 -> $loss10"

send Left
wait_for "step 9/400"
ok "stepped back to step 9"

send r
sleep 1.5
s1=$(step_no)
[ "${s1:-0}" -gt 9 ] || fail "run mode did not advance (step ${s1:-?})"
send r
sleep 0.5
s2=$(step_no); sleep 0.8; s3=$(step_no)
[ "$s2" = "$s3" ] || fail "still running after pause ($s2 -> $s3)"
ok "run advanced to step $s1, pause held at $s3"

tmux -L "$sock" resize-window -t e2e -x 40 -y 12
wait_for "enlarge"
ok "40x12 shows the enlarge message"
tmux -L "$sock" resize-window -t e2e -x 120 -y 40
wait_for "step $s3/400"
ok "back to 120x40, the lesson is still there"

send R
wait_for "started again from the start"
wait_for "step 0/400"
wait_for "Before we start"
ok "R ran it again from the start, and the first question is asked again"

send q
wait_for "dlearn-exit=0"
[ "$(tmux -L "$sock" display -p -t e2e '#{alternate_on}')" = "0" ] || fail "alternate screen still on after quit"
pane | grep -qF "before-dlearn" || fail "the shell's screen was not restored"
pane | grep -B1 -A1 "dlearn-exit" | grep -qE "\]\]|\^\[|rgb:" && fail "terminal replies leaked onto the shell"
ok "q quit with exit code 0 and restored the terminal"

[ -f "$DLEARN_HOME/progress.json" ] || fail "progress was not saved"
grep -q '"linreg"' "$DLEARN_HOME/progress.json" || fail "linreg's place was not saved"
grep -q '"reach-goal": true' "$DLEARN_HOME/progress.json" || fail "the answer was not saved"
ok "progress saved, with the answer"
echo "----- screen after quitting -----"; pane | sed "/^$/d"
echo "e2e: all checks passed"
