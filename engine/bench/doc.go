// Package bench holds dlearn's reference training workloads W1–W8 (see
// shared/bench/WORKLOADS.md), their Go benchmarks and the tests that check
// the engine actually learns.
//
// Each workload is a small, lesson-sized model with its data, optimizer and
// training state. Its constructor generates the data from a seed (not
// timed); Step runs one training step (forward, loss, backward, update) and
// returns the loss of that step. State persists between steps, so a
// benchmark keeps training for as many steps as it times, reshuffling each
// epoch where the workload says so.
//
//	w := bench.NewMLP(1, bench.MLPLR)
//	for range 750 {
//		w.Step()
//	}
//	fmt.Println(w.Accuracy())
//
// # Running
//
// The benchmarks are BenchmarkW1Linreg … BenchmarkW8Gemm:
//
//	go test -run '^$' -bench '^BenchmarkW' ./engine/bench
//
// bench/run.sh runs them beside the same workloads in PyTorch
// (bench/pytorch/workloads.py) and prints the ratios; docs/PERFORMANCE.md
// has the figures and what they mean.
//
// # Fused ops
//
// W3 to W7 train through the autograd package's fused ops (DenseAct,
// Conv2DAct, RNNSequence, SelfAttentionQKV): the same models and, to
// rounding, the same losses step by step as the unfused ops the lessons
// show, in fewer passes and tensors. W7's G step runs D through constants
// that share D's weights, so no gradient is computed for D's weights there
// (G's update would discard it). TestTrajectoriesPinned checks that W3,
// W5, W6 and W7 still produce, bit for bit, the losses and weights they
// produced before their steps were restructured for speed.
//
// # Allocation
//
// The workloads reuse their tapes, input tensors and batch buffers, so what
// a step allocates is what the engine's ops allocate (one output tensor,
// one tape node and one gradient per op).
package bench
