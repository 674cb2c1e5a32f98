package trainer

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// Every adapter, with implementations written here (in this process: the
// harness is tested in lessons/mine) that are right, then wrong.

func softmaxRow(z []float64) []float64 {
	m := z[0]
	for _, v := range z {
		m = max(m, v)
	}
	out, s := make([]float64, len(z)), 0.0
	for i, v := range z {
		out[i] = math.Exp(v - m)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

func layerNorm(x [][]float64, g, b []float64, eps float64) [][]float64 {
	out := make([][]float64, len(x))
	for i, r := range x {
		mu, v := 0.0, 0.0
		for _, e := range r {
			mu += e
		}
		mu /= float64(len(r))
		for _, e := range r {
			v += (e - mu) * (e - mu)
		}
		v /= float64(len(r))
		out[i] = make([]float64, len(r))
		for j, e := range r {
			out[i][j] = (e-mu)/math.Sqrt(v+eps)*g[j] + b[j]
		}
	}
	return out
}

func maxPool(x [][]float64, k, s int) [][]float64 {
	oh, ow := (len(x)-k)/s+1, (len(x[0])-k)/s+1
	out := make([][]float64, oh)
	for i := range out {
		out[i] = make([]float64, ow)
		for j := range out[i] {
			m := math.Inf(-1)
			for a := range k {
				for b := range k {
					m = max(m, x[i*s+a][j*s+b])
				}
			}
			out[i][j] = m
		}
	}
	return out
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// opsLoop is a one-step run whose tape holds maxpool2d, softmax,
// layernorm and sigmoid, in that order.
func opsLoop() *Loop {
	rng := tensor.NewRNG(7)
	fill := func(shape ...int) *tensor.Tensor {
		t := tensor.New(shape...)
		for i := range t.Data {
			t.Data[i] = 4*rng.Float64() - 2
		}
		return t
	}
	img, a, g, b := fill(2, 3, 4, 4), fill(3, 5), fill(5), fill(5)
	return &Loop{N: 1, Batch: 1, Epochs: 1, NoShuffle: true,
		Start: func([]int) (func(*autograd.Tape) *autograd.Var, func()) {
			return func(tp *autograd.Tape) *autograd.Var {
				x := autograd.NewParam("x", img)
				av := autograd.NewParam("a", a)
				tp.MaxPool2D(x, 2, 2).Named("p")
				tp.Softmax(av).Named("s")
				tp.LayerNorm(av, autograd.NewParam("g", g), autograd.NewParam("b", b), 1e-5).Named("n")
				return tp.Mean(tp.Sigmoid(av).Named("q")).Named("L")
			}, func() {}
		}}
}

func TestMineAdapters(t *testing.T) {
	right := func() map[string]any {
		return map[string]any{
			"maxpool":   &checks.MaxPoolImpl{Forward: maxPool},
			"softmax":   &checks.SoftmaxImpl{Softmax: softmaxRow},
			"layernorm": &checks.LayerNormImpl{Forward: layerNorm},
			"logistic":  &checks.LogisticImpl{Sigmoid: sigmoid},
		}
	}
	for _, c := range []struct {
		name  string
		wrong func(map[string]any)
		node  string // the first failing node ("": none)
		says  string // in its diagnosis or problem
	}{
		{"right", func(map[string]any) {}, "", ""},
		{"maxpool shape", func(m map[string]any) {
			m["maxpool"] = &checks.MaxPoolImpl{Forward: func(x [][]float64, k, s int) [][]float64 { return maxPool(x, k, 1) }}
		}, "p = maxpool2d(x, k=2, stride=2)", "returned 3 rows, want 2"},
		{"softmax not normalised", func(m map[string]any) {
			m["softmax"] = &checks.SoftmaxImpl{Softmax: func(z []float64) []float64 {
				out := make([]float64, len(z))
				for i, v := range z {
					out[i] = math.Exp(v)
				}
				return out
			}}
		}, "s = softmax(a)", "divide by the sum"},
		{"layernorm without eps", func(m map[string]any) {
			m["layernorm"] = &checks.LayerNormImpl{Forward: func(x [][]float64, g, b []float64, _ float64) [][]float64 { return layerNorm(x, g, b, 1) }}
		}, "n = layernorm(a, g, b, eps=1e-05)", ""},
		{"sigmoid panics", func(m map[string]any) {
			m["logistic"] = &checks.LogisticImpl{Sigmoid: func(float64) float64 { panic("TODO: implement logistic.Sigmoid") }}
		}, "q = sigmoid(a)", "panic: TODO"},
	} {
		t.Run(c.name, func(t *testing.T) {
			impls := right()
			c.wrong(impls)
			l := opsLoop()
			l.SetMine(&lessons.Mine{Impls: impls})
			l.Advance(lessons.Step)
			rep := l.MineReport()
			if c.node == "" {
				if rep.Stopped() || len(rep.Checks) != 4 || !l.Done() || l.Step != 1 {
					t.Fatalf("right code: %+v", rep)
				}
				for _, ch := range rep.Checks {
					want := min(ch.Total, MineCap)
					if ch.Op == "layernorm" {
						want = 15 // a is 3×5: every row fits
					}
					if !ch.OK || ch.Checked != want || ch.MaxErr > 1e-12 {
						t.Errorf("%+v, want %d checked", ch, want)
					}
				}
				return
			}
			if !rep.Stopped() || !l.Done() || l.Step != 0 {
				t.Fatalf("report %+v, done %v", rep, l.Done())
			}
			first := rep.Checks[rep.First]
			if first.Node != c.node || !strings.Contains(first.Diagnosis+first.Problem, c.says) {
				t.Errorf("first failure %+v, want %s saying %q", first, c.node, c.says)
			}
			if ph, block := l.Phase(); ph != "forward" || block != "fwd-"+first.Op {
				t.Errorf("phase %s %s", ph, block)
			}
		})
	}
}

// TestMineTrainsWithYours: values that agree with the engine's within
// MineTol but not bit for bit are the ones the step goes on with: the
// loss is computed from them, and the report counts them as used.
func TestMineTrainsWithYours(t *testing.T) {
	const off = 5e-10 // within MineTol.Abs
	l := opsLoop()
	l.SetMine(&lessons.Mine{Impls: map[string]any{
		"logistic": &checks.LogisticImpl{Sigmoid: func(z float64) float64 { return sigmoid(z) + off }},
	}})
	l.Advance(lessons.Op)
	rep := l.MineReport()
	if rep.Stopped() || len(rep.Checks) != 1 || rep.Checks[0].Used != 15 {
		t.Fatalf("report %+v", rep)
	}
	var q *autograd.Node
	for _, n := range l.Cur.Tape.Nodes() {
		if n.Op == "sigmoid" {
			q = n
		}
	}
	sum := 0.0
	for i, v := range q.Inputs[0].Value.Data {
		if q.Out.Value.Data[i] != sigmoid(v)+off {
			t.Fatalf("q[%d] = %v, yours %v", i, q.Out.Value.Data[i], sigmoid(v)+off)
		}
		sum += sigmoid(v) + off
	}
	if got, want := l.Cur.Loss.Item(), sum/15; math.Abs(got-want) > 1e-15 {
		t.Fatalf("loss %v, the mean of your values %v", got, want)
	}
}

// TestMineBackwardHalts: a learner's gradient that disagrees stops the
// step at that node of the backward pass, revealed, with no update.
func TestMineBackwardHalts(t *testing.T) {
	const op = "test-halt"
	mineBackward("sigmoid", op, "Back", func(_ any, st autograd.Step, c *compare) {
		g := st.Grads[0]
		c.total = len(g.Data)
		for i, e := range g.Data {
			yours := e
			if i == 3 {
				yours = e + 1
			}
			if !c.elem(g, i, fmt.Sprintf("[%d]", i), e, yours, nil, nil) {
				return
			}
		}
	})
	defer func() {
		as := backwardAdapters["sigmoid"]
		backwardAdapters["sigmoid"] = as[:len(as)-1]
	}()
	l := opsLoop()
	l.SetMine(&lessons.Mine{Impls: map[string]any{op: struct{}{}}})
	var updated bool
	start := l.Start
	l.Start = func(rows []int) (func(*autograd.Tape) *autograd.Var, func()) {
		b, _ := start(rows)
		return b, func() { updated = true }
	}
	l.Advance(lessons.Step)
	rep := l.MineReport()
	if !rep.Stopped() || !l.Done() || l.Step != 0 || l.Cur.Phase != Backward {
		t.Fatalf("report %+v, phase %v, step %d", rep, l.Cur.Phase, l.Step)
	}
	first := rep.Checks[rep.First]
	last := l.Cur.Steps[len(l.Cur.Steps)-1]
	if first.Node != "∂ q = sigmoid(a)" || first.Index != "[3]" || last.Node.Op != "sigmoid" {
		t.Fatalf("first failure %+v, last revealed %s", first, last.Node.Label())
	}
	l.Advance(lessons.Op)
	l.Advance(lessons.End)
	if l.Cur.Steps[len(l.Cur.Steps)-1].Node != last.Node || l.Cur.Phase != Backward || updated {
		t.Fatal("a halted step moved on")
	}
}
