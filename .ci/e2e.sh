#!/usr/bin/env bash
# End-to-end test of the real dlearn binary in a real terminal (tmux at
# 120×40): open linreg from the home screen, answer its first question and
# read the reveal, step 10 times, check that W, its gradient and the loss are
# on screen and changed, step back, run and pause, shrink the terminal to
# 40×12 and back, run it again from the start (R), quit with q and check the
# terminal is restored and the answer saved. Then: SIGTERM and SIGHUP sent to
# a running lesson save its place and exit 143 and 129 (SIGINT: 130); closing the terminal
# (the tmux session) saves it too; two instances on different lessons quitting
# at the same moment both keep their places; keys pressed while a cnn epoch
# runs are applied in order as soon as it is done; mine mode refuses the
# stubs, stops at a TODO and trains the reference solution to the end as
# the engine does; every lesson runs headless
# to its end and opens at 80×24. Prints what it checks;
# exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
sock="dlearn-e2e-$$"
bin="$work/dlearn"
export DLEARN_HOME="$work/home"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$bin" ./cmd/dlearn

# The session pane and send talk to: e2e, or $T.
pane() { tmux -L "$sock" capture-pane -p -t "${T:-e2e}"; }
send() { tmux -L "$sock" send-keys -t "${T:-e2e}" "$@"; }
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
# num: a number as the app prints it (minus signs are U+2212 or -).
num='(−|-)?[0-9][0-9.e+]*(−|-)?[0-9]*'
# field NAME: the value column of the parameters-table row NAME ('' if absent).
field() { pane | grep -oE "│$1 +$num" | head -1 | awk '{ print $NF }' || true; }
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

# Questions off while stepping (a step stops at a question inside it);
# the parameters table shows from the first step on (step 0 shows the
# Keras program).
send a
wait_for "questions off"
send s
send Space
wait_for "step 1/400"
sleep 0.3
w0=$(field W); loss0=$(field loss)
for _ in $(seq 9); do send Space; sleep 0.05; done
wait_for "step 10/400"
sleep 0.3
w10=$(field W); loss10=$(field loss)
dw10=$(pane | grep -oE "│W +$num +$num" | head -1 | awk '{ print $NF }' || true)
pane | grep -qi 'gradient' || fail "no gradient column on screen"
[ -n "$w0" ] && [ -n "$w10" ] || fail "could not read W (before '$w0', after '$w10')"
[ -n "$loss0" ] && [ -n "$loss10" ] || fail "could not read the loss (before '$loss0', after '$loss10')"
[ -n "$dw10" ] || fail "could not read dW"
[ "$w0" != "$w10" ] || fail "W did not change from step 1 to 10 ($w0)"
[ "$loss0" != "$loss10" ] || fail "the loss did not change over 10 steps ($loss0)"
ok "steps 1 to 10: W $w0 -> $w10, dW $dw10, loss $loss0 -> $loss10"

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

send a
wait_for "questions on"
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

# saved_steps HOME LESSON: steps_seen of LESSON in HOME's progress.json.
saved_steps() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lessons"][sys.argv[2]]["steps_seen"])' \
    "$1/progress.json" "$2" 2>/dev/null || echo none
}
# new_shell NAME: a tmux session NAME with a plain shell.
new_shell() {
  tmux -L "$sock" new-session -d -s "$1" -x 120 -y 40 "env -u TMUX bash --norc --noprofile"
  T=$1 send "PS1='$ '; clear" Enter
}

# Signals: the place is saved and the exit code is 128 + the signal (SIGINT
# from outside the app: inside, ctrl+c is a key and quits with 0).
for sig in TERM HUP INT; do
  home="$work/sig-$sig"
  new_shell "sig$sig"
  T="sig$sig" send "DLEARN_HOME=$home TERM=xterm-256color $bin lesson linreg --no-questions; echo sig-exit=\$?" Enter
  T="sig$sig" wait_for "step 0/400"
  T="sig$sig" send s
  for _ in 1 2 3 4; do T="sig$sig" send Space; sleep 0.05; done
  T="sig$sig" wait_for "step 4/400"
  pid=$(pgrep -nf -- "$bin lesson linreg")
  [ -n "$pid" ] || T="sig$sig" fail "no dlearn process to signal"
  kill "-$sig" "$pid"
  want=$((128 + $(kill -l "$sig")))
  T="sig$sig" wait_for "sig-exit=" 10
  T="sig$sig" pane | grep -qF "sig-exit=$want" || T="sig$sig" fail "SIG$sig: exit code is not $want"
  [ "$(saved_steps "$home" linreg)" = "4" ] || T="sig$sig" fail "SIG$sig: the place was not saved ($(saved_steps "$home" linreg) steps)"
  T="sig$sig" pane | grep -qF "stopped by SIG$sig" || T="sig$sig" fail "SIG$sig: no line on stderr says why it stopped"
  ok "SIG$sig: exit code $want, linreg's place (4 steps) saved"
done

# Closing the terminal: the session's only process is dlearn; killing the
# session hangs up its terminal.
home="$work/close"
tmux -L "$sock" new-session -d -s close -x 120 -y 40 \
  "env -u TMUX DLEARN_HOME=$home TERM=xterm-256color $bin lesson linreg --no-questions"
T=close wait_for "step 0/400"
T=close send s
for _ in 1 2 3; do T=close send Space; sleep 0.05; done
T=close wait_for "step 3/400"
tmux -L "$sock" kill-session -t close
for _ in $(seq 50); do [ "$(saved_steps "$home" linreg)" = "3" ] && break; sleep 0.1; done
[ "$(saved_steps "$home" linreg)" = "3" ] || fail "closing the terminal lost the place ($(saved_steps "$home" linreg) steps)"
ok "closing the terminal saved linreg's place (3 steps)"

# Two instances on one progress file, different lessons, quitting at once.
home="$work/two"
new_shell twoA
new_shell twoB
T=twoA send "DLEARN_HOME=$home TERM=xterm-256color $bin lesson linreg --no-questions; echo a-exit=\$?" Enter
T=twoB send "DLEARN_HOME=$home TERM=xterm-256color $bin lesson logreg --no-questions; echo b-exit=\$?" Enter
T=twoA wait_for "step 0/"
T=twoB wait_for "step 0/"
T=twoA send s; T=twoB send s
for _ in 1 2 3; do T=twoA send Space; sleep 0.05; done
for _ in 1 2 3 4 5; do T=twoB send Space; sleep 0.05; done
T=twoA wait_for "step 3/"
T=twoB wait_for "step 5/"
T=twoA send q; T=twoB send q
T=twoA wait_for "a-exit=0"
T=twoB wait_for "b-exit=0"
a=$(saved_steps "$home" linreg); b=$(saved_steps "$home" logreg)
[ "$a" = "3" ] && [ "$b" = "5" ] || fail "two instances: linreg $a (want 3), logreg $b (want 5)"
ok "two instances quitting at once both kept their places (linreg 3, logreg 5)"

# Keys while a cnn epoch runs: e, space starts epoch 1 of 2; space, space, h
# pressed meanwhile run epoch 2, are refused at the end, and go back one
# epoch, with no further key.
home="$work/busy"
new_shell busy
T=busy send "DLEARN_HOME=$home TERM=xterm-256color $bin lesson cnn --no-questions --set epochs=2; echo busy-exit=\$?" Enter
T=busy wait_for "step 0/" 60
T=busy send e
T=busy send Space
T=busy send Space Space h
T=busy wait_for "keys waiting" 10
ok "keys pressed during a cnn epoch wait, and the screen says so"
total=$(T=busy pane | grep -oE 'step [0-9]+/[0-9]+' | head -1 | sed -E 's|.*/||')
half=$((total / 2))
deadline=$((SECONDS + 240))
until T=busy pane | grep -qF "step $half/$total" && ! T=busy pane | grep -qF "keys waiting" && ! T=busy pane | grep -qF "⋯ by"; do
  [ $SECONDS -lt $deadline ] || T=busy fail "the queued keys did not end at step $half/$total"
  sleep 0.5
done
sleep 1
T=busy pane | grep -qF "step $half/$total" || T=busy fail "something moved after the queue was done"
ok "the queued epoch, refused step and back ran in order: at step $half/$total with no further key"
T=busy send q
T=busy wait_for "busy-exit=0" 30

# Mine mode: the learner's own code at the lesson's ops. With the kit's
# stubs, m in logreg says there is nothing of the learner's to run yet;
# with Sigmoid written and BCE still a TODO, one step checks the sigmoid
# and stops at the BCE with the TODO panic on the status line; with the
# reference solution, the lesson opened with --mine runs to its end on
# the learner's values, every op agreeing, and ends as the engine's does.
new_shell mine
T=mine send "clear; DLEARN_HOME=$work/mine-home TERM=xterm-256color $bin lesson logreg --no-questions; echo mine-exit=\$?" Enter
T=mine wait_for "step 0/400"
T=mine send m
T=mine wait_for "still the stub" 60
ok "mine mode with the stubs: nothing to run yet, and the app says so"
T=mine send q
T=mine wait_for "mine-exit=0" 30
kit="$work/minekit"
mkdir -p "$kit/exercises/logistic"
printf 'module dlearn-exercises\n\ngo 1.26\n' >"$kit/exercises/go.mod"
python3 - solutions/logistic/logistic.go "$kit/exercises/logistic/logistic.go" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
src, n = re.subn(r'(func BCE\([^)]*\) [^{]*\{\n).*?\n\}\n', r'\1\tpanic("TODO: implement logistic.BCE")\n}\n', src, flags=re.S)
assert n == 1
open(sys.argv[2], "w").write(src)
PY
T=mine send "clear; cd $kit && DLEARN_HOME=$work/mine-home TERM=xterm-256color $bin lesson logreg --no-questions; echo mine-exit=\$?; cd -" Enter
T=mine wait_for "step 0/400"
T=mine send m
T=mine wait_for "mine mode on" 180
T=mine send s
T=mine send Space
T=mine wait_for "mine: step 1, L = bce(p, y) (logistic.BCE): panic at exercises/logistic/logistic.go" 60
T=mine pane | grep -qF "TODO" || T=mine fail "mine mode: the TODO panic is not shown"
ok "mine mode with Sigmoid written and BCE a TODO: the sigmoid agrees, the run stops at the BCE with the panic"
T=mine send q
T=mine wait_for "mine-exit=0" 30
cp solutions/logistic/logistic.go "$kit/exercises/logistic/"
(cd "$kit" && DLEARN_HOME=$work/mine-home $bin lesson logreg --plain --no-questions --mine >"$work/mine.txt" 2>&1) || { tail -20 "$work/mine.txt"; fail "lesson logreg --mine with the solution exited non-zero"; }
grep -qF "yours vs engine · step 400 · all agree" "$work/mine.txt" || { tail -20 "$work/mine.txt"; fail "the solution did not train to step 400 in mine mode"; }
DLEARN_HOME=$work/mine-home $bin lesson logreg --plain --no-questions >"$work/engine.txt" 2>&1
want=$(grep -m1 '^Verdict: ' "$work/engine.txt")
got=$(grep -m1 '^Verdict: ' "$work/mine.txt")
[ "$got" = "$want" ] || fail "mine mode ends with '$got', the engine with '$want'"
T=mine send "clear; cd $kit && DLEARN_HOME=$work/mine-home TERM=xterm-256color $bin lesson logreg --no-questions --mine; echo mine-exit=\$?; cd -" Enter
T=mine wait_for "step 0/400" 180
T=mine send e
T=mine send r
T=mine wait_for "step 400/400" 120
T=mine pane | grep -qF "mine:" && T=mine fail "mine mode with the solution shows a disagreement"
ok "mine mode with the solution: trained to step 400 on the learner's values, ending as the engine does ($got)"
T=mine send q
T=mine wait_for "mine-exit=0" 30

# Every lesson of the course, as `dlearn list` gives them: run headless to
# its end at the defaults (exit 0, a verdict printed, the time shown), then
# opened in the terminal at 80×24, the most common default size, where its
# title and first step must show and q must quit cleanly.
home="$work/every"
lessons=$(DLEARN_HOME=$home $bin list | awk '/^ *[0-9]+\./ { print $2 }')
[ -n "$lessons" ] || fail "dlearn list printed no lessons"
for id in $lessons; do
  t0=$(date +%s%N)
  DLEARN_HOME=$home $bin lesson "$id" --plain --no-questions >"$work/$id.txt" 2>&1 || { cat "$work/$id.txt"; fail "lesson $id --plain exited non-zero"; }
  ms=$((($(date +%s%N) - t0) / 1000000))
  grep -qE '^Verdict: goal (met|missed)' "$work/$id.txt" || { tail -20 "$work/$id.txt"; fail "lesson $id --plain printed no verdict"; }
  ok "lesson $id ran headless to its end in ${ms} ms: $(grep -m1 -E '^Verdict: ' "$work/$id.txt" | cut -c1-90)"
done
tmux -L "$sock" -f /dev/null new-session -d -s small -x 80 -y 24 "env -u TMUX bash --norc --noprofile"
for id in $lessons; do
  T=small send "clear; DLEARN_HOME=$home TERM=xterm-256color $bin lesson $id --no-questions; echo $id-exit=\$?" Enter
  T=small wait_for "step 0/" 60
  T=small send q
  T=small wait_for "$id-exit=0" 30
done
ok "every lesson opened at 80×24 and quit cleanly: $(echo $lessons | tr '\n' ' ')"

echo "e2e: all checks passed"
