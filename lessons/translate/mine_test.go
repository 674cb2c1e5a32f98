package translate

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// The learner's attention, softmax and greedy decoding, written here (in
// this process: the harness is tested in lessons/mine).

func softmaxRow(z []float64) []float64 {
	mx := z[0]
	for _, v := range z {
		mx = max(mx, v)
	}
	out, s := make([]float64, len(z)), 0.0
	for i, v := range z {
		out[i] = math.Exp(v - mx)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// attend is scaled dot-product attention; scale false leaves out 1/√d.
func attend(scale bool) func(Q, K, V [][]float64, causal bool) ([][]float64, [][]float64) {
	return func(Q, K, V [][]float64, _ bool) ([][]float64, [][]float64) {
		d := float64(len(Q[0]))
		out, ws := make([][]float64, len(Q)), make([][]float64, len(Q))
		for i, q := range Q {
			s := make([]float64, len(K))
			for j, k := range K {
				for c := range q {
					s[j] += q[c] * k[c]
				}
				if scale {
					s[j] /= math.Sqrt(d)
				}
			}
			ws[i] = softmaxRow(s)
			out[i] = make([]float64, len(V[0]))
			for j, v := range V {
				for c := range v {
					out[i][c] += ws[i][j] * v[c]
				}
			}
		}
		return out, ws
	}
}

func greedy(logp [][]float64, start, end, maxLen int) []int {
	var seq []int
	prev := start
	for len(seq) < maxLen {
		best := 0
		for k, v := range logp[prev] {
			if v > logp[prev][best] {
				best = k
			}
		}
		seq = append(seq, best)
		if best == end {
			break
		}
		prev = best
	}
	return seq
}

// adamOpt is Adam as the adam exercise has it.
type adamOpt struct {
	lr   float64
	m, v []float64
	t    int
}

func (a *adamOpt) Step(w, g []float64) {
	if a.m == nil {
		a.m, a.v = make([]float64, len(w)), make([]float64, len(w))
	}
	a.t++
	for i := range w {
		a.m[i] = 0.9*a.m[i] + 0.1*g[i]
		a.v[i] = 0.999*a.v[i] + 0.001*g[i]*g[i]
		mh, vh := a.m[i]/(1-math.Pow(0.9, float64(a.t))), a.v[i]/(1-math.Pow(0.999, float64(a.t)))
		w[i] -= a.lr * mh / (math.Sqrt(vh) + 1e-8)
	}
}

func rightImpls() map[string]any {
	return map[string]any{
		"adam":      &checks.AdamImpl{New: func(lr float64) checks.Stepper { return &adamOpt{lr: lr} }},
		"attention": &checks.AttentionImpl{Attention: attend(true)},
		"softmax":   &checks.SoftmaxImpl{Softmax: softmaxRow},
		"decode":    &checks.DecodeImpl{Greedy: greedy},
	}
}

func mineRun(t *testing.T, impls map[string]any, set lessons.Settings) *lessons.Run {
	t.Helper()
	r := start(t, set)
	r.SetMine(&lessons.Mine{Impls: impls})
	return r
}

func TestMineTrainsLikeTheEngine(t *testing.T) {
	set := lessons.Settings{"hidden": "8"}
	r, eng := mineRun(t, rightImpls(), set), start(t, set)
	for range 3 {
		r.Advance(lessons.Step)
		eng.Advance(lessons.Step)
	}
	a, b := mach(r), mach(eng)
	for i, p := range a.params {
		for j, v := range p.Value.Data {
			if w := b.params[i].Value.Data[j]; math.Abs(v-w) > 1e-9 {
				t.Fatalf("%s[%d] = %v, the engine's %v", p.Name, j, v, w)
			}
		}
	}
	if d := math.Abs(a.losses[2] - b.losses[2]); d > 1e-9 {
		t.Fatalf("loss %v, the engine's %v", a.losses, b.losses)
	}
	rep := a.MineReport()
	np := len(a.params) // one Adam update each, between the attention and the decoding
	if rep.Stopped() || rep.Step != 3 || len(rep.Checks) != outLen+np+2*outLen {
		t.Fatalf("report %+v", rep)
	}
	for i, c := range rep.Checks {
		want := "attention at output "
		switch d := i - outLen - np; {
		case i >= outLen && d < 0:
			want = a.params[i-outLen].Name + " ← adam update"
		case d >= 0 && d%2 == 0:
			want = "p = softmax(logits) at output "
		case d >= 0:
			want = "output "
		}
		if !strings.HasPrefix(c.Node, want) || !c.OK || c.Checked == 0 {
			t.Errorf("check %d %+v, want %s…", i, c, want)
		}
		if i < outLen && (c.Used != c.Checked || c.Checked < 64) {
			t.Errorf("attention check %+v: the learner's values are not all used", c)
		}
	}
	if got, want := r.Scene(), eng.Scene(); got.Pos != want.Pos {
		t.Errorf("mine run at %+v, the engine's at %+v", got.Pos, want.Pos)
	}
}

func TestMineStopsAtTheWrongOp(t *testing.T) {
	for _, c := range []struct {
		name   string
		wrong  func(map[string]any)
		stage  stage
		node   string
		reveal int
	}{
		{"attention unscaled", func(m map[string]any) {
			m["attention"] = &checks.AttentionImpl{Attention: attend(false)}
		}, forward, "attention at output 1: softmax(s·Wa·h), Σ a·h", 0},
		{"softmax not normalised", func(m map[string]any) {
			m["softmax"] = &checks.SoftmaxImpl{Softmax: func(z []float64) []float64 {
				out := make([]float64, len(z))
				for i, v := range z {
					out[i] = math.Exp(v)
				}
				return out
			}}
		}, decoding, "p = softmax(logits) at output 1", 1},
		{"greedy picks the least likely", func(m map[string]any) {
			m["decode"] = &checks.DecodeImpl{Greedy: func(logp [][]float64, start, end, maxLen int) []int {
				worst := 0
				for k, v := range logp[start] {
					if v < logp[start][worst] {
						worst = k
					}
				}
				return []int{worst}
			}}
		}, decoding, "output 1 = argmax p (greedy)", 1},
		{"adam adds its step", func(m map[string]any) {
			m["adam"] = &checks.AdamImpl{New: func(lr float64) checks.Stepper { return &adamOpt{lr: -lr} }}
		}, backward, "embed_in.W ← adam update", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			impls := rightImpls()
			c.wrong(impls)
			r := mineRun(t, impls, lessons.Settings{"hidden": "8"})
			r.Advance(lessons.End)
			m := mach(r)
			rep := m.MineReport()
			if !rep.Stopped() || rep.Step != 1 || !r.Done() || m.stage != c.stage || m.revealed != c.reveal && c.stage == decoding {
				t.Fatalf("report %+v, stage %d, revealed %d", rep, m.stage, m.revealed)
			}
			if first := rep.Checks[rep.First]; first.Node != c.node {
				t.Errorf("first failure %+v, want %s", first, c.node)
			}
			if sc := r.Scene(); sc.Question != nil || !strings.Contains(sc.Status.Message, c.node) {
				t.Errorf("question %v, status %q", sc.Question, sc.Status.Message)
			}
		})
	}
}
