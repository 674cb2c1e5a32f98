#!/usr/bin/env bash
# Runs dlearn's workloads W1–W8 (engine/bench) beside the same workloads in
# PyTorch (bench/pytorch/workloads.py) and prints, per workload, the median
# seconds per training step of each and the ratio dlearn / PyTorch
# (< 1: dlearn is faster). See docs/PERFORMANCE.md.
#
#   bench/run.sh            # 5 runs each (the median is printed)
#   RUNS=9 bench/run.sh     # more runs
#   ONLY=W4 bench/run.sh    # one workload
#
# OpenBLAS settings that slow it down on some machines (OPENBLAS_CORETYPE,
# OPENBLAS_L2_SIZE) are unset for the PyTorch run only; the BLAS kernel it
# then uses is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
ONLY=${ONLY:-}
PY=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name and steps of each workload (WORKLOADS.md)
workloads="W1Linreg:400 W2Logreg:400 W3MLP:750 W4CNN:50 W5RNN:100 W6Attention:100 W7GAN:200"

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
echo "# $(go version)"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the machine skew the figures)"
go test -c -o "$tmp/bench.test" ./engine/bench

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# dlearn: each workload timed over exactly its number of steps, RUNS times.
: >"$tmp/go.txt"
for w in $workloads; do
  name=${w%%:*} steps=${w##*:}
  [[ -n $ONLY && $name != $ONLY* ]] && continue
  "$tmp/bench.test" -test.run '^$' -test.bench "^Benchmark${name}\$" -test.benchtime "${steps}x" \
    -test.count "$RUNS" >"$tmp/$name.out"
  sec=$(awk '/ns\/op/ {print $3/1e9}' "$tmp/$name.out" | median)
  echo "$name $steps $sec" >>"$tmp/go.txt"
done
if [[ -z $ONLY || W8 == $ONLY* ]]; then
  "$tmp/bench.test" -test.run '^$' -test.bench '^BenchmarkW8Gemm$' -test.count "$RUNS" >"$tmp/W8.out"
  for n in 64 256 1024; do
    sec=$(awk -v n="n=$n" '$1 ~ n"-" {print $3/1e9}' "$tmp/W8.out" | median)
    echo "W8Gemm/n=$n - $sec" >>"$tmp/go.txt"
  done
fi

# PyTorch, float32 and float64.
onlyarg=()
[[ -n $ONLY ]] && onlyarg=(--only "$ONLY")
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" - <<'PYEOF' || true
try:
    import torch, threadpoolctl
    for i in threadpoolctl.threadpool_info():
        if i.get("user_api") == "blas":
            print(f"# PyTorch BLAS: {i.get('internal_api')} {i.get('version')}, kernel {i.get('architecture')}, {i.get('threading_layer')}")
except Exception as e:
    print(f"# PyTorch BLAS: unknown ({e})")
PYEOF
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/pytorch/workloads.py --runs "$RUNS" "${onlyarg[@]}" >"$tmp/py.txt"
head -1 "$tmp/py.txt"

# The table: one row per workload.
awk '
  FNR == NR { go[$1] = $3; steps[$1] = $2; order[++n] = $1; next }
  /^#/ { next }
  { split($1, p, "/"); key = (p[1] == "W8Gemm") ? p[1] "/" p[2] : p[1]; dt = p[length(p)]; py[key, dt] = $3 }
  END {
    printf "%-16s %6s %12s %12s %12s %8s %8s\n", "workload", "steps", "dlearn s", "torch32 s", "torch64 s", "ratio32", "ratio64"
    for (i = 1; i <= n; i++) {
      k = order[i]; a = py[k, "float32"]; b = py[k, "float64"]
      printf "%-16s %6s %12.4g %12.4g %12.4g %8.3g %8.3g", k, steps[k], go[k], a, b, (a ? go[k] / a : 0), (b ? go[k] / b : 0)
      if (k ~ /^W8Gemm/) { split(k, q, "="); n3 = q[2]^3; printf "   GFLOP/s dlearn %.1f, torch32 %.1f, torch64 %.1f", 2*n3/go[k]/1e9, 2*n3/a/1e9, 2*n3/b/1e9 }
      printf "\n"
    }
  }' "$tmp/go.txt" "$tmp/py.txt"
echo "# ratio = dlearn time / PyTorch time: < 1 means dlearn is faster"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
