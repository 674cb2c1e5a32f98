package trainer

import (
	"math"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/nn"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/internal/checks"
	"github.com/dlearn/dlearn/lessons"
)

// The adapters of mine_seq*.go with implementations written here, right
// then wrong, on small tapes built as the lessons build theirs.

func zeros2(a, b int) [][]float64 {
	m := make([][]float64, a)
	for i := range m {
		m[i] = make([]float64, b)
	}
	return m
}

func zeros3(a, b, c int) [][][]float64 {
	t := make([][][]float64, a)
	for i := range t {
		t[i] = zeros2(b, c)
	}
	return t
}

// conv2dRef is a direct (loop) implementation of the conv2d exercise.
func conv2dRef() *checks.Conv2DImpl {
	out := func(n, k, s, p int) int { return (n+2*p-k)/s + 1 }
	return &checks.Conv2DImpl{
		OutSize: out,
		Forward: func(x [][][]float64, w [][][][]float64, b []float64, s, p int) [][][]float64 {
			H, W, kh, kw := len(x[0]), len(x[0][0]), len(w[0][0]), len(w[0][0][0])
			y := zeros3(len(w), out(H, kh, s, p), out(W, kw, s, p))
			for f := range y {
				for i := range y[f] {
					for j := range y[f][i] {
						sum := b[f]
						for c := range x {
							for a := range kh {
								for q := range kw {
									if r, col := i*s-p+a, j*s-p+q; r >= 0 && r < H && col >= 0 && col < W {
										sum += w[f][c][a][q] * x[c][r][col]
									}
								}
							}
						}
						y[f][i][j] = sum
					}
				}
			}
			return y
		},
		Backward: func(x [][][]float64, w [][][][]float64, s, p int, dy [][][]float64) ([][][]float64, [][][][]float64, []float64) {
			C, H, W, kh, kw := len(x), len(x[0]), len(x[0][0]), len(w[0][0]), len(w[0][0][0])
			dx, dw, db := zeros3(C, H, W), make([][][][]float64, len(w)), make([]float64, len(w))
			for f := range w {
				dw[f] = zeros3(C, kh, kw)
				for i := range dy[f] {
					for j := range dy[f][i] {
						g := dy[f][i][j]
						db[f] += g
						for c := range C {
							for a := range kh {
								for q := range kw {
									if r, col := i*s-p+a, j*s-p+q; r >= 0 && r < H && col >= 0 && col < W {
										dw[f][c][a][q] += g * x[c][r][col]
										dx[c][r][col] += g * w[f][c][a][q]
									}
								}
							}
						}
					}
				}
			}
			return dx, dw, db
		},
	}
}

// affine returns x·Wx + h·Wh + b for one example.
func affine(x, h []float64, wx, wh [][]float64, b []float64) []float64 {
	z := append([]float64(nil), b...)
	for i, v := range x {
		for j := range z {
			z[j] += v * wx[i][j]
		}
	}
	for i, v := range h {
		for j := range z {
			z[j] += v * wh[i][j]
		}
	}
	return z
}

func rnnRef() *checks.RNNImpl {
	return &checks.RNNImpl{
		Step: func(x, h []float64, wx, wh [][]float64, b []float64) []float64 {
			z := affine(x, h, wx, wh, b)
			for j := range z {
				z[j] = math.Tanh(z[j])
			}
			return z
		},
		StepBackward: func(x, h, hn []float64, wx, wh [][]float64, dhn []float64) ([]float64, []float64, [][]float64, [][]float64, []float64) {
			da := make([]float64, len(hn))
			for j := range da {
				da[j] = dhn[j] * (1 - hn[j]*hn[j])
			}
			dx, dh := make([]float64, len(x)), make([]float64, len(h))
			dwx, dwh := zeros2(len(x), len(da)), zeros2(len(h), len(da))
			for j, a := range da {
				for i := range x {
					dx[i] += a * wx[i][j]
					dwx[i][j] = x[i] * a
				}
				for i := range h {
					dh[i] += a * wh[i][j]
					dwh[i][j] = h[i] * a
				}
			}
			return dx, dh, dwx, dwh, da
		},
	}
}

func lstmRef() *checks.LSTMImpl {
	return &checks.LSTMImpl{StepBackward: lstmBackRef, Step: func(x, h, c []float64, wx, wh [][]float64, b []float64) ([]float64, []float64) {
		z := affine(x, h, wx, wh, b)
		n := len(h)
		hn, cn := make([]float64, n), make([]float64, n)
		for j := range n {
			i, f, g, o := sigmoid(z[j]), sigmoid(z[n+j]), math.Tanh(z[2*n+j]), sigmoid(z[3*n+j])
			cn[j] = f*c[j] + i*g
			hn[j] = o * math.Tanh(cn[j])
		}
		return hn, cn
	}}
}

func lstmBackRef(x, h, c []float64, wx, wh [][]float64, b []float64, dhn, dcn []float64) ([]float64, []float64, []float64, [][]float64, [][]float64, []float64) {
	z := affine(x, h, wx, wh, b)
	n := len(h)
	dz, dc := make([]float64, 4*n), make([]float64, n)
	for j := range n {
		i, f, g, o := sigmoid(z[j]), sigmoid(z[n+j]), math.Tanh(z[2*n+j]), sigmoid(z[3*n+j])
		tc := math.Tanh(f*c[j] + i*g)
		dct := dcn[j] + dhn[j]*o*(1-tc*tc)
		dc[j] = dct * f
		dz[j], dz[n+j] = dct*g*i*(1-i), dct*c[j]*f*(1-f)
		dz[2*n+j], dz[3*n+j] = dct*i*(1-g*g), dhn[j]*tc*o*(1-o)
	}
	dx, dh := make([]float64, len(x)), make([]float64, n)
	dwx, dwh := zeros2(len(x), 4*n), zeros2(n, 4*n)
	for k, d := range dz {
		for i := range x {
			dx[i] += d * wx[i][k]
			dwx[i][k] = x[i] * d
		}
		for i := range h {
			dh[i] += d * wh[i][k]
			dwh[i][k] = h[i] * d
		}
	}
	return dx, dh, dc, dwx, dwh, dz
}

func gruRef() *checks.GRUImpl {
	return &checks.GRUImpl{Step: func(x, h []float64, wx, wh [][]float64, bx, bh []float64) []float64 {
		gx := affine(x, nil, wx, nil, bx)
		gh := affine(nil, h, nil, wh, bh)
		n := len(h)
		out := make([]float64, n)
		for j := range n {
			r, z := sigmoid(gx[j]+gh[j]), sigmoid(gx[n+j]+gh[n+j])
			c := math.Tanh(gx[2*n+j] + r*gh[2*n+j])
			out[j] = (1-z)*c + z*h[j]
		}
		return out
	}}
}

func randParam(rng interface{ Float64() float64 }, name string, shape ...int) *autograd.Var {
	t := tensor.New(shape...)
	for i := range t.Data {
		t.Data[i] = 2*rng.Float64() - 1
	}
	return autograd.NewParam(name, t)
}

// seqLoop is a one-step run whose tape holds a conv2d (stride 2, pad 1)
// and, on a batch of 5, two steps of an RNN cell, one of an LSTM cell and
// one of a GRU cell (the engine's cells), all summed into the loss.
func seqLoop() *Loop {
	rng := tensor.NewRNG(11)
	img, w, b := randParam(rng, "img", 2, 3, 5, 5), randParam(rng, "w", 4, 3, 3, 3), randParam(rng, "cb", 4)
	xs := randParam(rng, "x", 5, 3)
	r := nn.NewRNNCell("rnn", 3, 4, rng)
	l := nn.NewLSTMCell("lstm", 3, 4, rng)
	g := nn.NewGRUCell("gru", 3, 4, rng)
	for _, p := range append(append(l.Params(), g.Params()...), r.B) {
		for i := range p.Value.Data {
			p.Value.Data[i] += 0.3*rng.Float64() - 0.15 // biases not 0
		}
	}
	return &Loop{N: 1, Batch: 1, Epochs: 1, NoShuffle: true,
		Start: func([]int) (func(*autograd.Tape) *autograd.Var, func()) {
			return func(tp *autograd.Tape) *autograd.Var {
				y := tp.Conv2D(img, w, b, 2, 1).Named("y")
				h0 := autograd.Const("h0", tensor.New(5, 4))
				h1 := r.Step(tp, xs, h0).Named("h1")
				h2 := r.Step(tp, xs, h1).Named("h2")
				lh1, lc1 := l.Step(tp, xs, h0, autograd.Const("c0", tensor.New(5, 4)))
				lh1.Named("lh1")
				lc1.Named("lc1")
				lh, lc := l.Step(tp, xs, lh1, lc1)
				lh.Named("lh")
				lc.Named("lc")
				gh := g.Step(tp, xs, h1).Named("gh")
				loss := tp.Add(tp.Mean(tp.Square(y)), tp.Mean(tp.Square(h2)))
				loss = tp.Add(loss, tp.Add(tp.Mean(tp.Mul(lh, lc)), tp.Mean(tp.Square(lc1))))
				return tp.Add(loss, tp.Mean(tp.Square(gh))).Named("L")
			}, func() {}
		}}
}

func seqImpls() map[string]any {
	return map[string]any{"conv2d": conv2dRef(), "rnn": rnnRef(), "lstm": lstmRef(), "gru": gruRef()}
}

func TestMineSeqAdaptersAgree(t *testing.T) {
	l := seqLoop()
	l.SetMine(&lessons.Mine{Impls: seqImpls()})
	l.Advance(lessons.Step)
	rep := l.MineReport()
	if rep.Stopped() || l.Step != 1 {
		t.Fatalf("right code stopped: %s", rep.Message())
	}
	seen := map[string]int{}
	for _, ch := range rep.Checks {
		if !ch.OK || ch.Checked == 0 || ch.Used != ch.Checked || ch.MaxErr > 1e-12 {
			t.Errorf("%+v", ch)
		}
		name, _, _ := strings.Cut(ch.Node, "(")
		seen[ch.Func+" "+name]++
	}
	for _, want := range []string{
		"conv2d.Forward y = conv2d", "conv2d.Backward ∂ y = conv2d",
		"rnn.Step h1 = tanh", "rnn.Step h2 = tanh",
		"lstm.Step lc1 = add", "lstm.Step lh1 = mul", "lstm.Step lc = add", "lstm.Step lh = mul", "gru.Step gh = add",
		"rnn.StepBackward ∂ h2 = tanh", "rnn.StepBackward ∂ h1 = tanh",
	} {
		if seen[want] != 1 {
			t.Errorf("%s checked %d times", want, seen[want])
		}
	}
	// Both cells' four nodes (tanh, the add of b, both matmuls) in backward.
	n := 0
	for k, v := range seen {
		if strings.HasPrefix(k, "rnn.StepBackward") {
			n += v
		}
	}
	// Both LSTM cells' add of b and matmuls, and the second's f ⊙ c (the
	// first's c0 takes no gradient).
	nl := 0
	for _, ch := range rep.Checks {
		if ch.Func == "lstm.StepBackward" {
			nl++
		}
	}
	if n != 8 || nl != 7 || len(rep.Checks) != 24 {
		t.Errorf("%d backward checks of the RNN cells, want 8; %d of the LSTM cells, want 7; %d checks, want 24: %v", n, nl, len(rep.Checks), seen)
	}
}

// TestMineSeqAdaptersDisagree: a wrong implementation stops the step at
// its op, forward or backward, with the element that disagreed.
func TestMineSeqAdaptersDisagree(t *testing.T) {
	for _, c := range []struct {
		name  string
		wrong func(map[string]any)
		node  string // the first failing node, up to "("
		says  string // in its index or problem
	}{
		{"conv2d flips the kernel", func(m map[string]any) {
			ref := conv2dRef()
			m["conv2d"] = &checks.Conv2DImpl{Forward: func(x [][][]float64, w [][][][]float64, b []float64, s, p int) [][][]float64 {
				fl := make([][][][]float64, len(w))
				for f := range w {
					fl[f] = zeros3(len(w[f]), len(w[f][0]), len(w[f][0][0]))
					for ch := range w[f] {
						for a := range w[f][ch] {
							for q := range w[f][ch][a] {
								fl[f][ch][a][q] = w[f][ch][len(w[f][ch])-1-a][len(w[f][ch][a])-1-q]
							}
						}
					}
				}
				return ref.Forward(x, fl, b, s, p)
			}, Backward: ref.Backward}
		}, "y = conv2d", "[0][0][0][0]"},
		{"conv2d ignores the stride", func(m map[string]any) {
			ref := conv2dRef()
			m["conv2d"] = &checks.Conv2DImpl{Forward: func(x [][][]float64, w [][][][]float64, b []float64, _, p int) [][][]float64 {
				return ref.Forward(x, w, b, 1, p)
			}, Backward: ref.Backward}
		}, "y = conv2d", "y[0] returned 5 rows, want 3"},
		{"conv2d averages db", func(m map[string]any) {
			ref := conv2dRef()
			m["conv2d"] = &checks.Conv2DImpl{Forward: ref.Forward, Backward: func(x [][][]float64, w [][][][]float64, s, p int, dy [][][]float64) ([][][]float64, [][][][]float64, []float64) {
				dx, dw, db := ref.Backward(x, w, s, p, dy)
				for f := range db {
					db[f] /= float64(len(dy[f]) * len(dy[f][0]))
				}
				return dx, dw, db
			}}
		}, "∂ y = conv2d", "db[0]"},
		{"rnn without bias", func(m map[string]any) {
			ref := rnnRef()
			m["rnn"] = &checks.RNNImpl{Step: func(x, h []float64, wx, wh [][]float64, b []float64) []float64 {
				return ref.Step(x, h, wx, wh, make([]float64, len(b)))
			}, StepBackward: ref.StepBackward}
		}, "h1 = tanh", "[0][0]"},
		{"rnn backward without tanh'", func(m map[string]any) {
			ref := rnnRef()
			m["rnn"] = &checks.RNNImpl{Step: ref.Step, StepBackward: func(x, h, hn []float64, wx, wh [][]float64, dhn []float64) ([]float64, []float64, [][]float64, [][]float64, []float64) {
				return ref.StepBackward(x, h, make([]float64, len(hn)), wx, wh, dhn)
			}}
		}, "∂ h2 = tanh", "da[0][0]"},
		{"rnn backward dWh transposed", func(m map[string]any) {
			ref := rnnRef()
			m["rnn"] = &checks.RNNImpl{Step: ref.Step, StepBackward: func(x, h, hn []float64, wx, wh [][]float64, dhn []float64) ([]float64, []float64, [][]float64, [][]float64, []float64) {
				dx, dh, dwx, dwh, db := ref.StepBackward(x, h, hn, wx, wh, dhn)
				for i := range dwh {
					for j := range i {
						dwh[i][j], dwh[j][i] = dwh[j][i], dwh[i][j]
					}
				}
				return dx, dh, dwx, dwh, db
			}}
		}, "∂ v7 = matmul", "dWh[0][1]"},
		{"rnn panics", func(m map[string]any) {
			m["rnn"] = &checks.RNNImpl{Step: func(x, h []float64, wx, wh [][]float64, b []float64) []float64 { panic("TODO: rnn.Step") }}
		}, "h1 = tanh", "panic: TODO"},
		{"lstm g through a sigmoid", func(m map[string]any) {
			m["lstm"] = &checks.LSTMImpl{Step: func(x, h, c []float64, wx, wh [][]float64, b []float64) ([]float64, []float64) {
				z := affine(x, h, wx, wh, b)
				n := len(h)
				hn, cn := make([]float64, n), make([]float64, n)
				for j := range n {
					cn[j] = sigmoid(z[n+j])*c[j] + sigmoid(z[j])*sigmoid(z[2*n+j])
					hn[j] = sigmoid(z[3*n+j]) * math.Tanh(cn[j])
				}
				return hn, cn
			}}
		}, "lc1 = add", ""},
		{"lstm h' without tanh", func(m map[string]any) {
			m["lstm"] = &checks.LSTMImpl{Step: func(x, h, c []float64, wx, wh [][]float64, b []float64) ([]float64, []float64) {
				hn, cn := lstmRef().Step(x, h, c, wx, wh, b)
				for j := range hn {
					hn[j] = hn[j] / math.Tanh(cn[j]) * cn[j]
				}
				return hn, cn
			}}
		}, "lh1 = mul", ""},
		{"lstm dc without f", func(m map[string]any) {
			m["lstm"] = &checks.LSTMImpl{Step: lstmRef().Step, StepBackward: func(x, h, c []float64, wx, wh [][]float64, b []float64, dhn, dcn []float64) ([]float64, []float64, []float64, [][]float64, [][]float64, []float64) {
				dx, dh, dc, dwx, dwh, db := lstmBackRef(x, h, c, wx, wh, b, dhn, dcn)
				z := affine(x, h, wx, wh, b)
				for j := range dc {
					dc[j] /= sigmoid(z[len(h)+j])
				}
				return dx, dh, dc, dwx, dwh, db
			}}
		}, "∂ v40 = mul", "dc[0][0]"}, // f ⊙ lc1, in the second cell
		{"lstm o's gradient without tanh(c')", func(m map[string]any) {
			m["lstm"] = &checks.LSTMImpl{Step: lstmRef().Step, StepBackward: func(x, h, c []float64, wx, wh [][]float64, b []float64, dhn, dcn []float64) ([]float64, []float64, []float64, [][]float64, [][]float64, []float64) {
				dx, dh, dc, dwx, dwh, db := lstmBackRef(x, h, c, wx, wh, b, dhn, dcn)
				z := affine(x, h, wx, wh, b)
				n := len(h)
				for j := range n {
					o := sigmoid(z[3*n+j])
					db[3*n+j] = dhn[j] * o * (1 - o)
				}
				return dx, dh, dc, dwx, dwh, db
			}}
		}, "∂ v31 = add", "dz[0][12]"}, // z + b of the second cell
		{"gru with z and 1−z swapped", func(m map[string]any) {
			m["gru"] = &checks.GRUImpl{Step: func(x, h []float64, wx, wh [][]float64, bx, bh []float64) []float64 {
				hn := gruRef().Step(x, h, wx, wh, bx, bh)
				n := len(h)
				gx, gh := affine(x, nil, wx, nil, bx), affine(nil, h, nil, wh, bh)
				for j := range hn {
					z := sigmoid(gx[n+j] + gh[n+j])
					cand := (hn[j] - z*h[j]) / (1 - z)
					hn[j] = z*cand + (1-z)*h[j]
				}
				return hn
			}}
		}, "gh = add", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			impls := seqImpls()
			c.wrong(impls)
			l := seqLoop()
			l.SetMine(&lessons.Mine{Impls: impls})
			l.Advance(lessons.Step)
			rep := l.MineReport()
			if !rep.Stopped() || l.Step != 0 || !l.Done() {
				t.Fatalf("report %+v", rep)
			}
			first := rep.Checks[rep.First]
			if !strings.HasPrefix(first.Node, c.node+"(") || !strings.Contains(first.Index+" "+first.Problem, c.says) {
				t.Errorf("first failure %+v, want %s at %q", first, c.node, c.says)
			}
			// The step stands at the failing op, going forward or backward.
			want, at := Forward, l.Cur.Tape.Nodes()[l.Cur.Fwd-1]
			if strings.HasPrefix(first.Node, "∂") {
				want, at = Backward, l.Cur.Steps[len(l.Cur.Steps)-1].Node
			}
			if l.Cur.Phase != want || "∂ "+at.Label() != first.Node && at.Label() != first.Node {
				t.Errorf("the step stands %v at %s, want %v at %s", l.Cur.Phase, at.Label(), want, first.Node)
			}
		})
	}
}

func attentionRef(Q, K, V [][]float64, causal bool) ([][]float64, [][]float64) {
	d := float64(len(Q[0]))
	w := zeros2(len(Q), len(K))
	out := zeros2(len(Q), len(V[0]))
	for i := range Q {
		for j := range K {
			s := 0.0
			for k := range Q[i] {
				s += Q[i][k] * K[j][k]
			}
			w[i][j] = s / math.Sqrt(d)
			if causal && j > i {
				w[i][j] = math.Inf(-1)
			}
		}
		w[i] = softmaxRow(w[i])
		for j := range K {
			for k := range V[j] {
				out[i][k] += w[i][j] * V[j][k]
			}
		}
	}
	return out, w
}

func maskedSoftmax(s [][]float64) [][]float64 {
	w := zeros2(len(s), len(s))
	for i := range s {
		copy(w[i], softmaxRow(s[i][:i+1]))
	}
	return w
}

func maskedSoftmaxBackward(w, g [][]float64) [][]float64 {
	ds := zeros2(len(w), len(w))
	for i := range w {
		dot := 0.0
		for j := range w[i] {
			dot += w[i][j] * g[i][j]
		}
		for j := range w[i] {
			ds[i][j] = w[i][j] * (g[i][j] - dot)
		}
	}
	return ds
}

func posEnc(T, d int) [][]float64 {
	pe := zeros2(T, d)
	for p := range T {
		for i := 0; i < d; i += 2 {
			a := float64(p) / math.Pow(10000, float64(i)/float64(d))
			pe[p][i], pe[p][i+1] = math.Sin(a), math.Cos(a)
		}
	}
	return pe
}

func poolRef(H [][]float64, w []float64, n int) ([]float64, []float64) {
	s := make([]float64, n)
	for t := range n {
		for j := range w {
			s[t] += H[t][j] * w[j]
		}
	}
	a := append(softmaxRow(s), make([]float64, len(H)-n)...)
	pooled := make([]float64, len(w))
	for t := range n {
		for j := range pooled {
			pooled[j] += a[t] * H[t][j]
		}
	}
	return a, pooled
}

func poolBackRef(H [][]float64, w []float64, n int, g []float64) ([][]float64, []float64) {
	a, _ := poolRef(H, w, n)
	at := make([]float64, n)
	mean := 0.0
	for t := range n {
		for j := range g {
			at[t] += H[t][j] * g[j]
		}
		mean += a[t] * at[t]
	}
	dH, dw := zeros2(len(H), len(w)), make([]float64, len(w))
	for t := range n {
		ds := a[t] * (at[t] - mean)
		for j := range w {
			dH[t][j] = a[t]*g[j] + ds*w[j]
			dw[j] += ds * H[t][j]
		}
	}
	return dH, dw
}

func crossEntropy(z []float64, t int) float64 { return -math.Log(softmaxRow(z)[t]) }

func ceGrad(z []float64, t int) []float64 {
	g := softmaxRow(z)
	g[t]--
	return g
}

// attnLoop is a one-step run whose tape holds self-attention (2 heads,
// then causal), the positional encodings P added to tokens, the
// sentiment lesson's attention pooling over 3 examples of 4 steps (2, 4
// and 1 words) and the embeddings lesson's loss of one example.
func attnLoop() *Loop {
	rng := tensor.NewRNG(5)
	x := randParam(rng, "x", 2, 3, 4)
	mha := nn.NewMultiHeadAttention("self", 4, 2, false, rng)
	causal := nn.NewMultiHeadAttention("dec", 4, 2, true, rng)
	var hs []*autograd.Var
	for t := range 4 {
		hs = append(hs, randParam(rng, "h"+string(rune('1'+t)), 3, 5))
	}
	pw := randParam(rng, "w", 5, 1)
	mask := tensor.New(3, 4)
	for b, n := range []int{2, 4, 1} {
		for t := n; t < 4; t++ {
			mask.Data[b*4+t] = -1e9
		}
	}
	z := randParam(rng, "z", 1, 6)
	return &Loop{N: 1, Batch: 1, Epochs: 1, NoShuffle: true,
		Start: func([]int) (func(*autograd.Tape) *autograd.Var, func()) {
			return func(tp *autograd.Tape) *autograd.Var {
				xp := tp.Add(x, autograd.Const("P", nn.SinusoidalPositions(3, 4))).Named("xp")
				a := mha.Forward(tp, xp)
				d := causal.Forward(tp, a)
				H := tp.Stack(1, hs...).Named("H")
				s := tp.Reshape(tp.MatMul(tp.Reshape(H, 12, 5), pw).Named("Hw"), 3, 4)
				alpha := tp.Softmax(tp.Add(s, autograd.Const("mask", mask))).Named("α")
				pooled := tp.BatchMatMul(tp.Reshape(alpha, 3, 1, 4), H, false, false).Named("pooled")
				ce := tp.Neg(tp.IndexSelect(tp.LogSoftmax(z).Named("lp"), 1, []int{2})).Named("ce")
				loss := tp.Add(tp.Mean(tp.Square(d)), tp.Mean(tp.Square(pooled)))
				return tp.Add(loss, ce).Named("L")
			}, func() {}
		}}
}

func attnImpls() map[string]any {
	return map[string]any{
		"attention":  &checks.AttentionImpl{Attention: attentionRef},
		"causalmask": &checks.CausalMaskImpl{MaskedSoftmax: maskedSoftmax, MaskedSoftmaxBackward: maskedSoftmaxBackward},
		"posenc":     &checks.PosEncImpl{Encode: posEnc},
		"attnpool":   &checks.AttnPoolImpl{Pool: poolRef, Backward: poolBackRef},
		"softmax":    &checks.SoftmaxImpl{Softmax: softmaxRow, CrossEntropy: crossEntropy, Grad: ceGrad},
	}
}

func TestMineAttnAdaptersAgree(t *testing.T) {
	l := attnLoop()
	l.SetMine(&lessons.Mine{Impls: attnImpls()})
	l.Advance(lessons.Step)
	rep := l.MineReport()
	if rep.Stopped() || l.Step != 1 {
		t.Fatalf("right code stopped: %s", rep.Message())
	}
	var got []string
	for _, ch := range rep.Checks {
		if !ch.OK || ch.Checked == 0 || ch.Used < ch.Checked || ch.MaxErr > 1e-12 {
			t.Errorf("%+v", ch)
		}
		if ch.Func != "softmax.Softmax" {
			got = append(got, ch.Func)
		}
	}
	want := []string{"posenc.Encode", "attention.Attention", "causalmask.MaskedSoftmax", "attention.Attention",
		"attnpool.Pool", "softmax.CrossEntropy", "softmax.Grad", "attnpool.Backward", "attnpool.Backward",
		"causalmask.MaskedSoftmaxBackward"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("checked %v,\nwant %v", got, want)
	}
	// The positional encodings: the add's output for every example.
	if c := rep.Checks[0]; c.Checked != 12 || c.Used != 24 {
		t.Errorf("posenc %+v", c)
	}
}

// TestMineAttnAdaptersDisagree: a wrong implementation stops the step at
// its op with the element that disagreed.
func TestMineAttnAdaptersDisagree(t *testing.T) {
	for _, c := range []struct {
		name  string
		wrong func(map[string]any)
		fn    string // the first failing check's function
		says  string // in its index or problem
	}{
		{"attention without 1/√d", func(m map[string]any) {
			m["attention"] = &checks.AttentionImpl{Attention: func(Q, K, V [][]float64, causal bool) ([][]float64, [][]float64) {
				s := math.Sqrt(float64(len(Q[0])))
				q := zeros2(len(Q), len(Q[0]))
				for i := range Q {
					for j := range Q[i] {
						q[i][j] = Q[i][j] * s
					}
				}
				return attentionRef(q, K, V, causal)
			}}
		}, "attention.Attention", "weights[0][0][0]"},
		{"attention ignores causal", func(m map[string]any) {
			m["attention"] = &checks.AttentionImpl{Attention: func(Q, K, V [][]float64, _ bool) ([][]float64, [][]float64) {
				return attentionRef(Q, K, V, false)
			}}
		}, "attention.Attention", "bmm(dec.weights"},
		{"masked softmax not masked", func(m map[string]any) {
			m["causalmask"] = &checks.CausalMaskImpl{MaskedSoftmax: func(s [][]float64) [][]float64 {
				w := make([][]float64, len(s))
				for i := range s {
					w[i] = softmaxRow(s[i])
				}
				return w
			}, MaskedSoftmaxBackward: maskedSoftmaxBackward}
		}, "causalmask.MaskedSoftmax", "w[0][0][0]"},
		{"masked softmax backward passes grad", func(m map[string]any) {
			m["causalmask"] = &checks.CausalMaskImpl{MaskedSoftmax: maskedSoftmax, MaskedSoftmaxBackward: func(_, g [][]float64) [][]float64 { return g }}
		}, "causalmask.MaskedSoftmaxBackward", "ds[0][0][0]"},
		{"posenc sin and cos swapped", func(m map[string]any) {
			m["posenc"] = &checks.PosEncImpl{Encode: func(T, d int) [][]float64 {
				pe := posEnc(T, d)
				for _, r := range pe {
					for i := 0; i < d; i += 2 {
						r[i], r[i+1] = r[i+1], r[i]
					}
				}
				return pe
			}}
		}, "posenc.Encode", "PE[0][0]"},
		{"posenc of the wrong size", func(m map[string]any) {
			m["posenc"] = &checks.PosEncImpl{Encode: func(T, d int) [][]float64 { return posEnc(d, d) }}
		}, "posenc.Encode", "returned 4 rows, want 3"},
		{"attnpool over the padding", func(m map[string]any) {
			m["attnpool"] = &checks.AttnPoolImpl{Pool: func(H [][]float64, w []float64, _ int) ([]float64, []float64) {
				return poolRef(H, w, len(H))
			}, Backward: poolBackRef}
		}, "attnpool.Pool", "weights[0][0]"},
		{"attnpool dw of the wrong sign", func(m map[string]any) {
			m["attnpool"] = &checks.AttnPoolImpl{Pool: poolRef, Backward: func(H [][]float64, w []float64, n int, g []float64) ([][]float64, []float64) {
				dH, dw := poolBackRef(H, w, n, g)
				for j := range dw {
					dw[j] = -dw[j]
				}
				return dH, dw
			}}
		}, "attnpool.Backward", "dw[0]"},
		{"cross-entropy panics", func(m map[string]any) {
			m["softmax"] = &checks.SoftmaxImpl{Softmax: softmaxRow, CrossEntropy: func([]float64, int) float64 { panic("TODO: softmax.CrossEntropy") }, Grad: ceGrad}
		}, "softmax.CrossEntropy", "panic: TODO"},
		{"gradient without the one-hot", func(m map[string]any) {
			m["softmax"] = &checks.SoftmaxImpl{Softmax: softmaxRow, CrossEntropy: crossEntropy, Grad: func(z []float64, _ int) []float64 { return softmaxRow(z) }}
		}, "softmax.Grad", "[2]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			impls := attnImpls()
			c.wrong(impls)
			l := attnLoop()
			l.SetMine(&lessons.Mine{Impls: impls})
			l.Advance(lessons.Step)
			rep := l.MineReport()
			if !rep.Stopped() || l.Step != 0 || !l.Done() {
				t.Fatalf("report %+v", rep)
			}
			first := rep.Checks[rep.First]
			if first.Func != c.fn || !strings.Contains(first.Node+" "+first.Index+" "+first.Problem, c.says) {
				t.Errorf("first failure %+v, want %s at %q", first, c.fn, c.says)
			}
		})
	}
}
