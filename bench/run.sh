#!/usr/bin/env bash
# Runs dlearn's workloads W1–W8 (engine/bench) and the same workloads in
# PyTorch (bench/pytorch/workloads.py) side by side: in every round, each
# workload is timed once in dlearn, once in PyTorch at 1 thread and once at
# 2 threads, one right after the other, so the load of the machine at that
# moment weighs on all three alike. Each round gives a ratio
# dlearn / PyTorch per workload (< 1: dlearn is faster); the table gives
# the median seconds per step and, per ratio, its median and its spread
# (the lowest and highest round). See docs/PERFORMANCE.md.
#
#   bench/run.sh                 # 7 rounds, PyTorch in float32
#   RUNS=11 bench/run.sh         # more rounds
#   ONLY=W4 bench/run.sh         # the workloads whose name starts with W4
#   DTYPE=float64 bench/run.sh   # PyTorch in float64 (dlearn is float64)
#
# OpenBLAS settings that slow it down on some machines (OPENBLAS_CORETYPE,
# OPENBLAS_L2_SIZE) are unset for PyTorch; the BLAS it uses is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-7}
ONLY=${ONLY:-}
DTYPE=${DTYPE:-float32}
PY=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [[ -n ${PYPID:-} ]] && kill "$PYPID" 2>/dev/null || true' EXIT

# name and steps of each workload (WORKLOADS.md); W8 is timed per product.
workloads="W1Linreg:400 W2Logreg:400 W3MLP:750 W4CNN:50 W5RNN:100 W6Attention:100 W7GAN:200 W8Gemm/n=64:0 W8Gemm/n=256:0 W8Gemm/n=1024:0"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
echo "# $(go version); PyTorch $DTYPE; $RUNS rounds"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the machine skew the figures)"
go test -c -o "$tmp/bench.test" ./engine/bench

env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" - <<'PYEOF' || true
try:
    import torch, threadpoolctl
    for i in threadpoolctl.threadpool_info():
        if i.get("user_api") == "blas":
            print(f"# PyTorch BLAS: {i.get('internal_api')} {i.get('version')}, kernel {i.get('architecture')}, {i.get('threading_layer')}")
except Exception as e:
    print(f"# PyTorch BLAS: unknown ({e})")
PYEOF

# One PyTorch process answers every request (workloads.py --serve).
coproc PYSRV { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/pytorch/workloads.py --serve; }
PYPID=$PYSRV_PID
read -r ready <&"${PYSRV[0]}"
echo "$ready" | sed 's/^# ready/# PyTorch/'
torch_time() { # workload threads -> seconds per step (W8: float64, like dlearn)
  local dt=$DTYPE
  [[ $1 == W8Gemm/* ]] && dt=float64
  echo "$1 $dt $2" >&"${PYSRV[1]}"
  local line
  read -r line <&"${PYSRV[0]}"
  echo "${line##* }"
}

# dlearn_time workload steps -> seconds per step (per product for W8).
dlearn_time() {
  local name=$1 steps=$2
  if [[ $name == W8Gemm/* ]]; then
    "$tmp/bench.test" -test.run '^$' -test.bench "^BenchmarkW8Gemm\$/^${name#W8Gemm/}\$" -test.count 1 |
      awk '/ns\/op/ {print $3/1e9; exit}'
  else
    "$tmp/bench.test" -test.run '^$' -test.bench "^Benchmark${name}\$" -test.benchtime "${steps}x" -test.count 1 |
      awk '/ns\/op/ {print $3/1e9; exit}'
  fi
}

: >"$tmp/times.txt"
for round in $(seq "$RUNS"); do
  for w in $workloads; do
    name=${w%%:*} steps=${w##*:}
    [[ -n $ONLY && $name != $ONLY* ]] && continue
    d=$(dlearn_time "$name" "$steps")
    t1=$(torch_time "$name" 1)
    t2=$(torch_time "$name" 2)
    echo "$name $steps $d $t1 $t2" >>"$tmp/times.txt"
  done
  echo "# round $round of $RUNS done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done

# The table: medians of the times, and of each round's ratios with their
# lowest and highest.
awk '
  function median(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    lo = a[1]; hi = a[n]
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1; steps[$1] = $2 }
    d[$1] = d[$1] " " $3; p1[$1] = p1[$1] " " $4; p2[$1] = p2[$1] " " $5
    r1[$1] = r1[$1] " " $3 / $4; r2[$1] = r2[$1] " " $3 / $5
  }
  END {
    printf "%-14s %5s %11s %11s %11s  %-20s  %-20s\n", "workload", "steps", "dlearn s", "torch 1t s", "torch 2t s", "ratio vs 1t [range]", "ratio vs 2t [range]"
    for (i = 1; i <= k; i++) {
      w = order[i]
      md = median(d[w]); m1 = median(p1[w]); m2 = median(p2[w])
      q1 = median(r1[w]); l1 = lo; h1 = hi
      q2 = median(r2[w]); l2 = lo; h2 = hi
      printf "%-14s %5s %11.4g %11.4g %11.4g  %-20s  %-20s\n", w, (steps[w] ? steps[w] : "-"), md, m1, m2, sprintf("%.3g [%.3g–%.3g]", q1, l1, h1), sprintf("%.3g [%.3g–%.3g]", q2, l2, h2)
    }
  }' "$tmp/times.txt"
echo "# ratio = dlearn time / PyTorch time, per round; < 1 means dlearn is faster. W8 is one n×n product, float64 on both sides (the target: dlearn at ≥ 90% of OpenBLAS, a ratio ≤ 1.11)."
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
