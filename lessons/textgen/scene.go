package textgen

import (
	_ "embed"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data/opticks"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

//go:embed narrative.md
var narrativeText string

var narrative = template.Must(template.New("textgen").Funcs(trainer.Funcs).Funcs(template.FuncMap{
	"pct": pct, "q": quote, "expf": math.Exp,
	"mul": func(a, b int) int { return a * b }, "div": func(a, b int) int { return a / b },
	"head": head,
}).Parse(narrativeText))

// view is what the narrative reads.
type view struct {
	Step, Epoch, Steps, Epochs, StepsPerEpoch int
	Current                                   int // the step being walked (Step+1 inside a step)
	Ctx, Dim, Heads, Vocab, Batch, Params     int
	LR, Temperature                           float64
	TopK                                      int
	LnVocab                                   float64

	Loss                  float64      // the current step's batch loss (NaN outside a step)
	First                 point        // the curve before training
	Last                  point        // the latest curve point
	Early                 *point       // the curve after CurveEvery steps, once there
	Eval                  eval         // the latest end-of-epoch evaluation
	ValPPL                float64      // e^Eval.Val
	FirstPPL              float64      // the validation perplexity before training
	CurveChars            int          // characters the curve's validation loss is measured on
	History               []sampleLine // samples so far: the first two and the latest three
	CurveEvery, SampleLen int
	Prompt                string
	Common                string // the commonest real words of Eval's sample, quoted
	Target                float64
	Met                   bool
	Diverged              bool
	DivStep               int

	Pos     int    // 1-based position of the bars
	Prefix  string // the example's characters up to Pos
	Next    string // the true next character there
	Top     []ranked
	PNext   float64 // the model's probability of the true next character
	Zeros   int     // masked weights of one attention map
	Allowed int     // weights a map may have above zero

	Op opInfo
}

// sampleLine is one sample of the curve as the narrative lists it.
type sampleLine struct {
	Step      int
	PPL, Rate float64
	Words     int
	Text      string
}

// ranked is one character with its probability.
type ranked struct {
	Char string
	P    float64
}

// Scene implements lessons.Machine.
func (m *machine) Scene() scene.Scene {
	m.settle()
	p := m.predict()
	v := m.view(p)
	sc := scene.Scene{
		Lesson: "A language model that writes",
		Pos: scene.Position{Step: m.loop.Step, Epoch: m.loop.Epoch,
			Steps: m.loop.Epochs * m.loop.StepsPerEpoch(), Epochs: m.loop.Epochs},
	}
	switch cur := &m.loop.Cur; {
	case cur.Phase == trainer.Updated:
		sc.Pos.Op, sc.Pos.OpsPerStep = opsPerStep, opsPerStep
	case cur.Tape != nil:
		sc.Pos.Op, sc.Pos.OpsPerStep = cur.OpIndex(), cur.OpsPerStep()
	}
	phase, block := m.loop.Phase()
	if phase == "forward" || phase == "backward" {
		block = "fwd"
		if phase == "backward" {
			block = "bwd"
		}
		if narrative.Lookup(block+"-"+v.Op.Role) != nil {
			block += "-" + v.Op.Role
		}
	}
	sc.Phase, sc.Narrative = phase, trainer.Narrative(narrative, block, v)
	switch phase {
	case "diverged":
		sc.Status = scene.Status{Level: scene.LevelError, Diverged: true,
			Message: fmt.Sprintf("diverged at step %d", m.loop.DivStep)}
	case "finished":
		// The runtime replaces this with its verdict on the goal.
		sc.Status = scene.Status{Level: scene.LevelInfo, Finished: true,
			Message: fmt.Sprintf("finished: validation perplexity %.3g", v.ValPPL)}
	}
	if p.finite() {
		sc.Panels = append(sc.Panels, m.barsPanel(v))
	}
	if op, ok := currentOp(&m.loop.Cur); ok {
		sc.Panels = append(sc.Panels, opPanel(op))
	}
	if p.finite() {
		sc.Panels = append(sc.Panels, m.mapsPanel(p))
	}
	sc.Panels = append(sc.Panels, m.lossPanel(), m.samplesPanel())
	return sc
}

func (m *machine) view(p prediction) view {
	last := m.evals[len(m.evals)-1]
	v := view{
		Step: m.loop.Step, Epoch: m.loop.Epoch, Epochs: m.loop.Epochs, StepsPerEpoch: m.loop.StepsPerEpoch(),
		Steps: m.loop.Epochs * m.loop.StepsPerEpoch(),
		Ctx:   Ctx, Dim: Dim, Heads: Heads, Vocab: len(text.alphabet), Batch: Batch,
		LR: m.opt.LearningRate(), Temperature: m.cfg.temperature, TopK: m.cfg.topK,
		LnVocab: math.Log(float64(len(text.alphabet))),
		Loss:    math.NaN(),
		First:   m.curve[0], Last: m.curve[len(m.curve)-1],
		Eval: last, ValPPL: math.Exp(last.Val), Target: TargetPerplexity,
		Diverged: m.loop.Diverged, DivStep: m.loop.DivStep,
		Pos:   m.cfg.pos,
		Zeros: Ctx * (Ctx - 1) / 2, Allowed: Ctx * (Ctx + 1) / 2,
	}
	v.Met = goal.Met(v.ValPPL)
	v.FirstPPL = math.Exp(m.evals[0].Val)
	v.CurveChars = min(CurveWindows, windows(text.val)) * Ctx
	v.CurveEvery, v.SampleLen, v.Prompt = CurveEvery, SampleLen, Prompt
	v.Common = commonWords(last.Text[len(Prompt):], 4)
	for _, q := range m.params {
		v.Params += len(q.Value.Data)
	}
	if len(m.curve) > 1 {
		e := m.curve[1]
		v.Early = &e
	}
	for k, p := range m.curve {
		if k < 2 || k >= len(m.curve)-3 {
			rate, n := WordRate(p.Sample[len(Prompt):], text.vocab)
			v.History = append(v.History, sampleLine{Step: p.Step, PPL: math.Exp(p.Val), Rate: rate, Words: n, Text: p.Sample})
		}
	}
	v.Current = m.loop.Step
	if m.loop.Cur.Loss != nil && m.loop.InStep() {
		v.Loss = m.loop.Cur.Loss.Item()
		v.Current = m.loop.Step + 1
	}
	i := m.cfg.pos - 1
	v.Prefix = text.decode(text.example[:i+1])
	v.Next = text.decode(text.example[i+1 : i+2])
	if p.finite() {
		v.Top = top(p.Probs[i], 10)
		v.PNext = p.Probs[i][text.example[i+1]]
	}
	v.Op, _ = currentOp(&m.loop.Cur)
	return v
}

func (p prediction) finite() bool { return !math.IsNaN(p.Loss) && !math.IsInf(p.Loss, 0) }

// top returns the n likeliest characters of probs, likeliest first.
func top(probs []float64, n int) []ranked {
	idx := make([]int, len(probs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return probs[idx[a]] > probs[idx[b]] })
	out := make([]ranked, 0, n)
	for _, i := range idx[:n] {
		out = append(out, ranked{Char: show(text.alphabet[i]), P: probs[i]})
	}
	return out
}

// show is a character as a label: space and newline made visible.
func show(c byte) string {
	switch c {
	case ' ':
		return "␣"
	case '\n':
		return "↵"
	}
	return string(c)
}

// quote shows a piece of text with its spaces and newlines visible where
// they matter: at the ends, and newlines anywhere.
func quote(s string) string {
	return "“" + strings.ReplaceAll(s, "\n", "↵") + "”"
}

// barsPanel is the main picture: the model's probabilities of the next
// character at the chosen position of the example, the true one marked.
func (m *machine) barsPanel(v view) scene.Panel {
	b := &scene.Bars{Highlight: -1}
	for k, r := range v.Top {
		b.Labels = append(b.Labels, r.Char)
		b.Values = append(b.Values, r.P)
		if r.Char == show(text.alphabet[text.example[v.Pos]]) {
			b.Highlight = k
		}
	}
	prefix := v.Prefix
	if len(prefix) > 16 {
		prefix = "…" + prefix[len(prefix)-16:]
	}
	return scene.Panel{Kind: scene.KindBars, ID: "next", Priority: 1,
		Title: fmt.Sprintf("next character after %s (true: %s, p %.2f)", quote(prefix), show(text.alphabet[text.example[v.Pos]]), v.PNext),
		Bars:  b}
}

// mapsPanel draws each head's attention weights on the example: row i is
// the query at position i, column j the key at j; above the diagonal the
// causal mask leaves 0. The maps carry no labels, so that a terminal draws
// each 32×32 map at two pixel rows a line; the title gives the text.
func (m *machine) mapsPanel(p prediction) scene.Panel {
	caps := make([]string, Heads)
	for k := range caps {
		caps[k] = fmt.Sprintf("head %d", k+1)
	}
	return scene.Panel{Kind: scene.KindImage, ID: "maps",
		Title: fmt.Sprintf("attention on %s (row: query, column: key)", quote(head(text.decode(text.example[:Ctx]), 18))),
		Image: &scene.Image{Rows: Ctx, Cols: Ctx, Tiles: p.Maps, Captions: caps, Min: 0, Max: 1}}
}

// lossPanel is the mean batch loss and the validation loss every
// CurveEvery steps, in nats per character.
func (m *machine) lossPanel() scene.Panel {
	var tx, ty, vx, vy []float64
	for _, p := range m.curve {
		if finite(p.Train) {
			tx, ty = append(tx, float64(p.Step)), append(ty, p.Train)
		}
		if finite(p.Val) {
			vx, vy = append(vx, float64(p.Step)), append(vy, p.Val)
		}
	}
	orEmpty := func(s []float64) []float64 {
		if s == nil {
			return []float64{}
		}
		return s
	}
	return scene.Panel{Kind: scene.KindPlot, Title: "cross-entropy per character (perplexity = e^loss)", Plot: &scene.Plot{
		XLabel: "step", YLabel: "nats", XRange: &scene.Range{Min: 0, Max: float64(max(m.loop.Step, CurveEvery))},
		Series: []scene.Series{
			{Name: "training", Style: scene.Line, X: orEmpty(tx), Y: orEmpty(ty)},
			{Name: "validation", Style: scene.Line, X: orEmpty(vx), Y: orEmpty(vy)},
		},
	}}
}

// samplesPanel lists the samples taken as training went on (the first,
// then the latest few).
func (m *machine) samplesPanel() scene.Panel {
	tb := &scene.Table{Columns: []string{"step", "ppl", "words", "τ/k", "sample"}}
	pts := m.curve
	if len(pts) > 6 {
		pts = append([]point{pts[0], pts[1]}, pts[len(pts)-4:]...)
	}
	for _, p := range pts {
		rate, _ := WordRate(p.Sample[len(Prompt):], text.vocab)
		tb.Rows = append(tb.Rows, []string{strconv.Itoa(p.Step), strconv.FormatFloat(math.Exp(p.Val), 'f', 1, 64),
			strconv.FormatFloat(100*rate, 'f', 0, 64) + "%", trainer.Num(p.Temperature) + "/" + strconv.Itoa(p.TopK), strings.ReplaceAll(p.Sample[len(Prompt):], "\n", "↵")})
	}
	return scene.Panel{Kind: scene.KindTable, Title: fmt.Sprintf("samples after %s (words: share that are real; ppl: first %d validation characters)", quote(Prompt), min(CurveWindows, windows(text.val))*Ctx), Table: tb}
}

// commonWords lists the n commonest words of s that are words of the
// corpus, quoted ("“the” 23×, …").
func commonWords(s string, n int) string {
	count := map[string]int{}
	for _, w := range strings.Fields(s) {
		if w = opticks.Trim(w); text.vocab[w] {
			count[w]++
		}
	}
	words := make([]string, 0, len(count))
	for w := range count {
		words = append(words, w)
	}
	sort.Slice(words, func(a, b int) bool {
		if count[words[a]] != count[words[b]] {
			return count[words[a]] > count[words[b]]
		}
		return words[a] < words[b]
	})
	var parts []string
	for _, w := range words[:min(n, len(words))] {
		parts = append(parts, fmt.Sprintf("“%s” %d×", w, count[w]))
	}
	return strings.Join(parts, ", ")
}

// head is the first n bytes of s, with "…" if it was cut.
func head(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func expf(x float64) float64 { return math.Exp(x) }
func logf(x float64) float64 { return math.Log(x) }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// pct formats a fraction as a percentage with one decimal.
func pct(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }

// opInfo describes the node of a training step's tape the op walk is at.
type opInfo struct {
	K, N  int
	Label string // "b1.attn.weights = softmax(v27)"
	Name  string
	Op    string
	Shape string
	Role  string // picks the narrative block fwd-<role> / bwd-<role>
	Layer string // the layer a parameter input belongs to, in words
	Back  bool   // a backward node
	Table [][]string
}

// layerNames are the parameters' prefixes (after the block's "b1.") in
// words.
var layerNames = map[string]string{
	"attn.q": "the query projection", "attn.k": "the key projection",
	"attn.v": "the value projection", "attn.o": "the attention's output projection",
	"ffn1": "the first feed-forward layer", "ffn2": "the second feed-forward layer",
	"out": "the classifier (one score per character)", "ln1": "the LayerNorm before attention",
	"ln2": "the LayerNorm before the feed-forward layer", "lnF": "the final LayerNorm",
}

// role classifies node n: what it does in the model, and the layer its
// parameters belong to.
func role(n *autograd.Node) (role, layer string) {
	for _, in := range n.Inputs {
		if in.IsParam() {
			name := in.Name[:strings.LastIndexByte(in.Name, '.')]
			if strings.HasPrefix(name, "b") && strings.Contains(name, ".") && name[1] >= '1' && name[1] <= '9' {
				name = name[strings.IndexByte(name, '.')+1:]
			}
			layer = layerNames[name]
		}
	}
	switch n.Op {
	case "embedding", "layernorm", "relu", "softmax_ce", "scale":
		return n.Op, layer
	case "reshape", "permute":
		return "layout", layer
	case "matmul":
		return "dense", layer
	case "softmax":
		return "weights", layer
	case "bmm":
		for _, in := range n.Inputs {
			if strings.HasSuffix(in.Name, "attn.weights") {
				return "context", layer
			}
		}
		return "scores", layer
	case "add":
		switch {
		case layer != "":
			return "bias", layer
		case len(n.Inputs) == 2 && n.Inputs[1].Name == "causal_mask":
			return "mask", layer
		case n.Out.Name == "x":
			return "positions", layer
		case strings.HasSuffix(n.Out.Name, "x+attn") || strings.HasSuffix(n.Out.Name, "x+ffn"):
			return "residual", layer
		}
	}
	return "", layer
}

// currentOp describes the node the cursor is at, or reports false
// outside the forward and backward passes.
func currentOp(c *trainer.Cursor) (opInfo, bool) {
	if c.Tape == nil || (c.Phase != trainer.Forward && c.Phase != trainer.Backward) {
		return opInfo{}, false
	}
	nodes := c.Tape.Nodes()
	info := opInfo{N: len(nodes)}
	var n *autograd.Node
	var st autograd.Step
	if c.Phase == trainer.Forward {
		info.K, n = c.Fwd, nodes[c.Fwd-1]
	} else {
		st = c.Steps[len(c.Steps)-1]
		info.K, n, info.Back = len(c.Steps), st.Node, true
	}
	info.Label, info.Op, info.Name = n.Label(), n.Op, nameOf(n.Out)
	info.Role, info.Layer = role(n)
	info.Shape = dims(n.Out.Value)
	ins := make([]string, len(n.Inputs))
	for i, in := range n.Inputs {
		ins[i] = nameOf(in)
	}
	info.Table = [][]string{{"op", n.Op}, {"output", info.Name}, {"inputs", strings.Join(ins, ", ")},
		{"shape", info.Shape}, {"rms of value", trainer.Num(rms(n.Out.Value))}}
	if st.Node != nil {
		info.Table = append(info.Table, []string{"rms ∂L/∂" + info.Name, trainer.Num(rms(st.Upstream))})
		for j, in := range n.Inputs {
			if st.Grads[j] != nil {
				info.Table = append(info.Table, []string{"rms ∂L/∂" + nameOf(in), trainer.Num(rms(st.Grads[j]))})
			}
		}
	}
	return info, true
}

// opPanel is the current op as a table.
func opPanel(op opInfo) scene.Panel {
	title := fmt.Sprintf("forward op %d of %d", op.K, op.N)
	if op.Back {
		title = fmt.Sprintf("backward node %d of %d", op.K, op.N)
	}
	return scene.Panel{Kind: scene.KindTable, Title: title, Table: &scene.Table{Columns: []string{"", ""}, Rows: op.Table}}
}

func dims(t *tensor.Tensor) string {
	d := make([]string, len(t.Shape))
	for i, n := range t.Shape {
		d[i] = strconv.Itoa(n)
	}
	if len(d) == 0 {
		return "scalar"
	}
	return strings.Join(d, "×")
}

func rms(t *tensor.Tensor) float64 {
	s := 0.0
	for _, v := range t.Data {
		s += v * v
	}
	return math.Sqrt(s / float64(len(t.Data)))
}

func nameOf(v *autograd.Var) string {
	if v.Name == "" && v.Node() != nil {
		return fmt.Sprintf("v%d", v.Node().Index)
	}
	if v.Name == "" {
		return "const"
	}
	return v.Name
}
