package trainer

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// opCase records one op of the engine on a small tape: in makes its
// inputs (parameters, so that each takes a gradient), op records it.
type opCase struct {
	kind string
	in   func(rng *rand.Rand) []*autograd.Var
	op   func(tp *autograd.Tape, in []*autograd.Var) *autograd.Var
}

// randn, pos and unit make a parameter of the given shape: normal values,
// values in [0.5, 1.5) (for sqrt, log, pow, a divisor) and values in
// (0.1, 0.9) (probabilities).
func randn(rng *rand.Rand, name string, shape ...int) *autograd.Var {
	return autograd.NewParam(name, tensor.RandN(rng, shape...))
}

func pos(rng *rand.Rand, name string, shape ...int) *autograd.Var {
	t := tensor.New(shape...)
	for i := range t.Data {
		t.Data[i] = 0.5 + rng.Float64()
	}
	return autograd.NewParam(name, t)
}

func unit(rng *rand.Rand, name string, shape ...int) *autograd.Var {
	t := tensor.New(shape...)
	for i := range t.Data {
		t.Data[i] = 0.1 + 0.8*rng.Float64()
	}
	return autograd.NewParam(name, t)
}

func vars(vs ...*autograd.Var) []*autograd.Var { return vs }

// opCases is one tape per op kind of engine/autograd (and a second for
// an op whose forms differ: the transposed batched matmuls, the axis
// reductions).
var opCases = []opCase{
	{"add", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4), randn(r, "b", 4)) }, // broadcast
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Add(v[0], v[1]) }},
	{"sub", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4), randn(r, "b", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Sub(v[0], v[1]) }},
	{"mul", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4), randn(r, "b", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Mul(v[0], v[1]) }},
	{"div", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4), pos(r, "b", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Div(v[0], v[1]) }},
	{"neg", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Neg(v[0]) }},
	{"scale", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Scale(v[0], -2.5) }},
	{"addc", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.AddScalar(v[0], 0.7) }},
	{"pow", func(r *rand.Rand) []*autograd.Var { return vars(pos(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Pow(v[0], 2.5) }},
	{"square", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Square(v[0]) }},
	{"sqrt", func(r *rand.Rand) []*autograd.Var { return vars(pos(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Sqrt(v[0]) }},
	{"exp", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Exp(v[0]) }},
	{"log", func(r *rand.Rand) []*autograd.Var { return vars(pos(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Log(v[0]) }},
	{"sigmoid", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Sigmoid(v[0]) }},
	{"tanh", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Tanh(v[0]) }},
	{"relu", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.ReLU(v[0]) }},
	{"leaky_relu", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.LeakyReLU(v[0], 0.1) }},
	{"matmul", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4), randn(r, "b", 4, 5)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.MatMul(v[0], v[1]) }},
	{"bmm", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 2, 3, 4), randn(r, "b", 2, 4, 5)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
			return tp.BatchMatMul(v[0], v[1], false, false)
		}},
	{"bmm", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 2, 4, 3), randn(r, "b", 2, 5, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
			return tp.BatchMatMul(v[0], v[1], true, true)
		}},
	{"sum", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Sum(v[0]) }},
	{"sum", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.SumAxis(v[0], 1, true) }},
	{"mean", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Mean(v[0]) }},
	{"mean", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.MeanAxis(v[0], 0, false) }},
	{"max", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Max(v[0]) }},
	{"max", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.MaxAxis(v[0], 1, false) }},
	{"transpose", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Transpose(v[0]) }},
	{"permute", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 2, 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Permute(v[0], 2, 0, 1) }},
	{"reshape", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Reshape(v[0], 2, 6) }},
	{"slice", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Slice(v[0], 1, 1, 3) }},
	{"select", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Select(v[0], 0, 2) }},
	{"concat", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 2), randn(r, "b", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Concat(1, v[0], v[1]) }},
	{"stack", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4), randn(r, "b", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Stack(0, v[0], v[1]) }},
	{"index_select", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
			return tp.IndexSelect(v[0], 1, []int{3, 0, 3})
		}},
	{"embedding", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "E", 5, 3)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Embedding(v[0], []int{4, 1, 1, 0}) }},
	{"conv2d", func(r *rand.Rand) []*autograd.Var {
		return vars(randn(r, "x", 2, 2, 5, 5), randn(r, "w", 3, 2, 3, 3), randn(r, "b", 3))
	}, func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Conv2D(v[0], v[1], v[2], 2, 1) }},
	// The fused ops (op_fused_*.go): what the bench workloads train with.
	{"dense", func(r *rand.Rand) []*autograd.Var {
		return vars(randn(r, "x", 3, 4), randn(r, "w", 4, 2), randn(r, "b", 2))
	},
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
			return tp.DenseAct(v[0], v[1], v[2], autograd.ActTanh)
		}},
	{"conv2d", func(r *rand.Rand) []*autograd.Var {
		return vars(randn(r, "x", 2, 2, 5, 5), randn(r, "w", 3, 2, 3, 3), randn(r, "b", 3))
	}, func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
		return tp.Conv2DAct(v[0], v[1], v[2], 1, 1, autograd.ActTanh)
	}},
	{"rnn_cell", func(r *rand.Rand) []*autograd.Var {
		return vars(randn(r, "x", 2, 3), randn(r, "h", 2, 4), randn(r, "wx", 3, 4), randn(r, "wh", 4, 4), randn(r, "b", 4))
	}, func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
		return tp.RNNCellStep(v[0], v[1], v[2], v[3], v[4])
	}},
	{"rnn_sequence", func(r *rand.Rand) []*autograd.Var {
		return vars(randn(r, "x", 3, 2, 3), randn(r, "h0", 2, 4), randn(r, "wx", 3, 4), randn(r, "wh", 4, 4), randn(r, "b", 4))
	}, func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
		return tp.RNNSequence(v[0], v[1], v[2], v[3], v[4])
	}},
	{"lstm_cell", func(r *rand.Rand) []*autograd.Var {
		return vars(randn(r, "x", 2, 3), randn(r, "h", 2, 4), randn(r, "c", 2, 4), randn(r, "wx", 3, 16), randn(r, "wh", 4, 16), randn(r, "b", 16))
	}, func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
		return tp.LSTMCellStep(v[0], v[1], v[2], v[3], v[4], v[5])
	}},
	{"gru_cell", func(r *rand.Rand) []*autograd.Var {
		return vars(randn(r, "x", 2, 3), randn(r, "h", 2, 4), randn(r, "wx", 3, 12), randn(r, "wh", 4, 12), randn(r, "bx", 12), randn(r, "bh", 12))
	}, func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
		return tp.GRUCellStep(v[0], v[1], v[2], v[3], v[4], v[5])
	}},
	{"attention", func(r *rand.Rand) []*autograd.Var {
		return vars(randn(r, "q", 2, 3, 4), randn(r, "k", 2, 3, 4), randn(r, "v", 2, 3, 4))
	}, func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
		out, _ := tp.Attention(v[0], v[1], v[2], 0.5, true, nil)
		return out
	}},
	{"self_attention", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "qkv", 6, 12)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
			out, _ := tp.SelfAttentionQKV(v[0], 2, 2, 0.5, false, nil)
			return out
		}},
	{"maxpool2d", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "x", 1, 2, 4, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.MaxPool2D(v[0], 2, 2) }},
	{"avgpool2d", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "x", 1, 2, 4, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.AvgPool2D(v[0], 2, 2) }},
	{"dropout", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "x", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
			return tp.Dropout(v[0], 0.3, tensor.NewRNG(5), true) // the same mask every call
		}},
	{"layernorm", func(r *rand.Rand) []*autograd.Var {
		return vars(randn(r, "x", 3, 4), pos(r, "g", 4), randn(r, "β", 4))
	},
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.LayerNorm(v[0], v[1], v[2], 1e-5) }},
	{"bce", func(r *rand.Rand) []*autograd.Var { return vars(unit(r, "p", 4, 1)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
			return tp.BCE(v[0], autograd.Const("y", tensor.FromRows([][]float64{{1}, {0}, {1}, {0}})))
		}},
	{"bce_logits", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "z", 4, 1)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
			return tp.BCEWithLogits(v[0], autograd.Const("y", tensor.FromRows([][]float64{{1}, {0}, {0}, {1}})))
		}},
	{"softmax_ce", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "z", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var {
			return tp.SoftmaxCrossEntropy(v[0], []int{2, 0, 3})
		}},
	{"softmax", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.Softmax(v[0]) }},
	{"log_softmax", func(r *rand.Rand) []*autograd.Var { return vars(randn(r, "a", 3, 4)) },
		func(tp *autograd.Tape, v []*autograd.Var) *autograd.Var { return tp.LogSoftmax(v[0]) }},
}

// engineOpKinds reads the op kinds engine/autograd records from its
// source: the first argument of record, and of the helpers that pass it
// on (join, gather, take, leaky).
func engineOpKinds(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "engine", "autograd", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("engine/autograd's source: %v", err)
	}
	re := regexp.MustCompile(`\b(?:record|join|gather|take|leaky)\("([a-z0-9_]+)"`)
	var kinds []string
	for _, f := range files {
		if filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if !slices.Contains(kinds, m[1]) {
				kinds = append(kinds, m[1])
			}
		}
	}
	slices.Sort(kinds)
	return kinds
}

// TestGradCheckAgreesWithTheEngineOnEveryOpKind: for one small tape per op
// kind of engine/autograd — every kind its source records — the lab's
// on-demand check at the op's node (CheckNode: the forward pass replayed
// from the node's inputs) agrees with the backward pass to the engine's
// tolerance, as the engine's own check (autograd.GradCheck: the whole
// function computed again from moved parameters) does on the same
// function; and where the node's input is a parameter, both checks'
// central differences at the element the lab checked are the same number.
// The loss is Σ y ⊙ c for a fixed random c (a scalar y: 1.3·y), so that
// every output element carries its own gradient.
func TestGradCheckAgreesWithTheEngineOnEveryOpKind(t *testing.T) {
	covered := map[string]bool{}
	for k, c := range opCases {
		rng := tensor.NewRNG(uint64(100 + k))
		in := c.in(rng)
		shape := c.op(autograd.NoGradTape(), in).Value.Shape
		weights := autograd.Const("c", tensor.RandN(rng, shape...))
		f := func(tp *autograd.Tape) *autograd.Var {
			y := c.op(tp, in)
			if len(y.Value.Data) == 1 {
				return tp.Scale(y, 1.3)
			}
			return tp.Sum(tp.Mul(y, weights))
		}
		eng := autograd.GradCheck(f, in, GradCheckStep)
		if !(eng.MaxRelErr < 1e-6) {
			t.Errorf("%s: the engine's check: %v", c.kind, eng)
		}

		autograd.ZeroGrad(in...)
		tp := autograd.NewTape()
		loss := f(tp)
		tp.Backward(loss)
		i := slices.IndexFunc(tp.Nodes(), func(n *autograd.Node) bool { return n.Op == c.kind })
		if i < 0 {
			t.Errorf("%s: no such node on the tape", c.kind)
			continue
		}
		n := tp.Nodes()[i]
		gc := CheckNode(tp, loss, n)
		checked := 0
		for _, r := range gc.Inputs {
			checked += r.Checked
			if r.Checked > 0 && !(r.MaxRelErr < 1e-6) {
				t.Errorf("%s: ∂L/∂%s: rel err %.3g (analytic %.10g, numeric %.10g at %d)", n.Label(), r.Name, r.MaxRelErr, r.Analytic, r.Numeric, r.Worst)
			}
			p := in[slices.IndexFunc(in, func(v *autograd.Var) bool { return v.Name == r.Name })]
			if r.Checked == 0 {
				continue
			}
			// The engine's central difference at the same element.
			x := p.Value.Data[r.Worst]
			at := func(v float64) float64 {
				p.Value.Data[r.Worst] = v
				defer func() { p.Value.Data[r.Worst] = x }()
				return f(autograd.NoGradTape()).Value.Data[0]
			}
			num := (at(x+GradCheckStep) - at(x-GradCheckStep)) / (2 * GradCheckStep)
			if d := math.Abs(num - r.Numeric); !(d <= 1e-7*math.Max(1, math.Abs(num))) {
				t.Errorf("%s: ∂L/∂%s[%d]: the lab's numeric %.12g, the engine's %.12g", n.Label(), r.Name, r.Worst, r.Numeric, num)
			}
			if r.Analytic != p.Grad.Data[r.Worst] {
				t.Errorf("%s: ∂L/∂%s[%d]: the lab's analytic %g is not the backward pass's %g", n.Label(), r.Name, r.Worst, r.Analytic, p.Grad.Data[r.Worst])
			}
		}
		if checked == 0 || len(gc.Inputs) != len(in) {
			t.Errorf("%s: %d of %d inputs checked, %d elements", n.Label(), len(gc.Inputs), len(in), checked)
			continue
		}
		covered[c.kind] = true
	}
	kinds := engineOpKinds(t)
	for _, k := range kinds {
		if !covered[k] {
			t.Errorf("op kind %s of engine/autograd has no checked case", k)
		}
	}
	t.Logf("%d op kinds checked: %v", len(kinds), kinds)
}
