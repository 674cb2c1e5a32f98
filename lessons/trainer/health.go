package trainer

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/scene"
)

// The gauges of Health.
const (
	// GaugeGrad is the Euclidean norm of a layer's gradient, all its
	// parameters in one vector.
	GaugeGrad = "‖dW‖"
	// GaugeRatio is the update-to-weight ratio ‖ΔW‖/‖W‖ of a layer: the
	// length of one update against the weights' size before it. The rule
	// of thumb is about 1e-3: far above, the steps are too large for the
	// weights (1e-1 rewrites them in ten steps); far below, they barely
	// move.
	GaugeRatio = "‖ΔW‖/‖W‖"
	// GaugeDead is the share of a ReLU's units that are zero for every
	// row of the batch.
	GaugeDead = "dead"
	// GaugeSaturated is the share of a sigmoid's or tanh's units whose
	// local derivative is below 1% of its largest (0.25 and 1) for every
	// row of the batch.
	GaugeSaturated = "saturated"
)

// healthKeep is how many recent values a gauge keeps; sparkN how many the
// panel draws.
const (
	healthKeep = 256
	sparkN     = 16
)

// Health is the training-health gauges of a run: per layer (parameters
// grouped by the name before their last dot: "dense1.W" and "dense1.b"
// are layer "dense1"), the gradient norm and the update-to-weight ratio of
// every update; per activation node, the share of dead ReLU or saturated
// sigmoid/tanh units of every forward pass. Each gauge keeps its latest
// healthKeep values. Watch records it; copy it with Clone.
type Health struct {
	Gauges []Gauge
}

// Gauge is one row of Health: a gauge of one layer or activation, and its
// latest values, oldest first.
type Gauge struct {
	Layer, Kind string
	Values      []float64
}

// Clone returns a deep copy of h.
func (h Health) Clone() Health {
	c := Health{Gauges: make([]Gauge, len(h.Gauges))}
	for i, g := range h.Gauges {
		c.Gauges[i] = Gauge{Layer: g.Layer, Kind: g.Kind, Values: append([]float64(nil), g.Values...)}
	}
	return c
}

// record appends v to the gauge kind of layer, adding the gauge if new.
func (h *Health) record(layer, kind string, v float64) {
	for i := range h.Gauges {
		g := &h.Gauges[i]
		if g.Layer == layer && g.Kind == kind {
			if len(g.Values) >= 2*healthKeep {
				g.Values = append([]float64(nil), g.Values[len(g.Values)-healthKeep:]...)
			}
			g.Values = append(g.Values, v)
			return
		}
	}
	h.Gauges = append(h.Gauges, Gauge{Layer: layer, Kind: kind, Values: []float64{v}})
}

// Latest returns the last value of the gauge kind of layer.
func (h *Health) Latest(layer, kind string) (float64, bool) {
	for _, g := range h.Gauges {
		if g.Layer == layer && g.Kind == kind && len(g.Values) > 0 {
			return g.Values[len(g.Values)-1], true
		}
	}
	return 0, false
}

// layerOf is the layer a parameter belongs to: its name before the last
// dot.
func layerOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return name
}

// recordUpdate adds the gradient norm and the update-to-weight ratio of
// every layer of ups.
func (h *Health) recordUpdate(ups []ParamUpdate) {
	type sums struct{ grad, delta, before float64 }
	var order []string
	by := map[string]*sums{}
	for _, u := range ups {
		l := layerOf(u.Name)
		s, ok := by[l]
		if !ok {
			s = &sums{}
			by[l] = s
			order = append(order, l)
		}
		s.grad += u.Grad * u.Grad
		s.delta += u.Delta * u.Delta
		s.before += u.Before * u.Before
	}
	for _, l := range order {
		s := by[l]
		h.record(l, GaugeGrad, math.Sqrt(s.grad))
		r := math.NaN()
		if s.before > 0 {
			r = math.Sqrt(s.delta / s.before)
		}
		h.record(l, GaugeRatio, r)
	}
}

// recordForward adds the share of dead or saturated units of every
// activation node of a forward pass. A unit is one position of the
// output apart from its first (batch) axis. A node its lesson named has a
// gauge of its own ("h1 (relu)"); the unnamed nodes of one op kind are
// pooled into one gauge per pass named after the op ("sigmoid": the
// share of all their units), so that a tape whose length changes from
// pass to pass (a GRU over sentences of different lengths) keeps one row
// per kind rather than one per tape index.
func (h *Health) recordForward(nodes []*autograd.Node) {
	type pool struct {
		label, kind string
		flat, units int
	}
	var pooled []string
	pools := map[string]*pool{}
	add := func(key, label, kind string, f, u int) {
		p, ok := pools[key]
		if !ok {
			p = &pool{label: label, kind: kind}
			pools[key] = p
			pooled = append(pooled, key)
		}
		p.flat += f
		p.units += u
	}
	// Names numbered along a sequence (h1 … h50, one per time step) make
	// one gauge when there are more than maxSeries of them in the pass,
	// so a recurrent network does not get a row per step.
	series := map[string]int{}
	for _, n := range nodes {
		if prefix, ok := numbered(n.Out.Name); ok && n.Out.Name != "" {
			series[prefix+" "+n.Op]++
		}
	}
	counts := activationCounts(nodes)
	for i, n := range nodes {
		kind, flat := activation(n.Op)
		if flat == nil {
			continue
		}
		f, u := counts[i][0], counts[i][1]
		if prefix, ok := numbered(n.Out.Name); ok && series[prefix+" "+n.Op] > maxSeries {
			add("series "+prefix+" "+n.Op, prefix+"ₜ ("+n.Op+", every step)", kind, f, u)
			continue
		}
		if n.Out.Name != "" {
			share := 0.0
			if u > 0 {
				share = float64(f) / float64(u)
			}
			h.record(n.Out.Name+" ("+n.Op+")", kind, share)
			continue
		}
		add(n.Op, n.Op, kind, f, u)
	}
	for _, key := range pooled {
		p := pools[key]
		share := 0.0
		if p.units > 0 {
			share = float64(p.flat) / float64(p.units)
		}
		h.record(p.label, p.kind, share)
	}
}

// activationCounts returns flatUnits of every activation node of nodes
// (zeros for the others), in node order: side by side on the cores when
// the activations hold many values. Each count is the node's alone, so
// the result is the same either way.
func activationCounts(nodes []*autograd.Node) [][2]int {
	counts := make([][2]int, len(nodes))
	var acts []int
	total := 0
	for i, n := range nodes {
		if _, flat := activation(n.Op); flat != nil {
			acts = append(acts, i)
			total += len(n.Out.Value.Data)
		}
	}
	count := func(k int) {
		n := nodes[acts[k]]
		f, u := unitCounts(n.Op, n.Out.Value.Data, n.Out.Value.Shape)
		counts[acts[k]] = [2]int{f, u}
	}
	if total < parallelScan {
		for k := range acts {
			count(k)
		}
	} else {
		Chunks(len(acts), count)
	}
	return counts
}

// maxSeries is how many activations numbered along a sequence keep a
// gauge each (the layers of a deep network); more are pooled.
const maxSeries = 12

// numbered splits a name ending in a number ("h17") into its prefix
// ("h"); ok is false for a name without one.
func numbered(name string) (prefix string, ok bool) {
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	return name[:i], i > 0 && i < len(name)
}

// activation is the gauge of an activation op and the test of a flat
// unit's output: a ReLU's 0 (dead), a sigmoid's or tanh's derivative
// below 1% of its largest (saturated); nil for another op.
func activation(op string) (kind string, flat func(x float64) bool) {
	switch op {
	case "relu":
		return GaugeDead, func(x float64) bool { return x == 0 }
	case "sigmoid":
		return GaugeSaturated, func(x float64) bool { return x*(1-x) < 0.01*0.25 }
	case "tanh":
		return GaugeSaturated, func(x float64) bool { return 1-x*x < 0.01 }
	}
	return "", nil
}

// unitCounts is flatUnits with the test of activation op: for a ReLU, a
// comparison with 0 in the loop (deadUnits) rather than a call per value.
func unitCounts(op string, xs []float64, shape []int) (flat, units int) {
	if op == "relu" {
		return deadUnits(xs, shape)
	}
	_, f := activation(op)
	return flatUnits(xs, shape, f)
}

// deadUnits is flatUnits for a ReLU's test (x == 0), in the same order.
func deadUnits(xs []float64, shape []int) (dead, units int) {
	units = len(xs)
	if len(shape) > 1 && shape[0] > 0 {
		units = len(xs) / shape[0]
	}
	if units == 0 {
		return 0, 0
	}
	// Without a branch per unit (whether a unit stays is a coin toss a
	// predictor misses half the time): every unit or candidate is
	// written, and the count moves on past those whose value is ±0 (its
	// bits, the sign shifted out, are zero).
	zero := func(x float64) int {
		b := math.Float64bits(x) << 1
		return int(1 - (b|-b)>>63)
	}
	buf := candidates.Get().(*[]int32)
	defer candidates.Put(buf)
	if cap(*buf) < units {
		*buf = make([]int32, units)
	}
	cand := (*buf)[:units]
	k := 0
	for u, x := range xs[:units] {
		cand[k] = int32(u)
		k += zero(x)
	}
	cand = cand[:k]
	for row := units; row < len(xs) && len(cand) > 0; row += units {
		kept := cand[:0]
		if row+units <= len(xs) {
			r := xs[row : row+units]
			k := 0
			for _, u := range cand {
				cand[k] = u // k ≤ the index being read
				k += zero(r[u])
			}
			kept = cand[:k]
		} else {
			for _, u := range cand {
				if i := row + int(u); i >= len(xs) || xs[i] == 0 {
					kept = append(kept, u)
				}
			}
		}
		cand = kept
	}
	return len(cand), units
}

// candidates holds deadUnits' and flatUnits' lists of candidate units between calls
// (one per concurrent scan), so that a step's scan allocates nothing.
var candidates = sync.Pool{New: func() any { return new([]int32) }}

// flatUnits counts the units, and those for which flat holds on every
// row. It reads the rows in order, each only at the units still flat in
// all the rows before (few, after the first rows), rather than each
// unit down all the rows, a row's length apart in memory.
func flatUnits(xs []float64, shape []int, flat func(float64) bool) (dead, units int) {
	units = len(xs)
	if len(shape) > 1 && shape[0] > 0 {
		units = len(xs) / shape[0]
	}
	if units == 0 {
		return 0, 0
	}
	buf := candidates.Get().(*[]int32)
	defer candidates.Put(buf)
	if cap(*buf) < units {
		*buf = make([]int32, 0, units) // at most units: never grown
	}
	cand := (*buf)[:0]
	for u, x := range xs[:units] {
		if flat(x) {
			cand = append(cand, int32(u))
		}
	}
	for row := units; row < len(xs) && len(cand) > 0; row += units {
		kept := cand[:0]
		for _, u := range cand {
			if i := row + int(u); i >= len(xs) || flat(xs[i]) {
				kept = append(kept, u)
			}
		}
		cand = kept
	}
	return len(cand), units
}

// Panel is the gauges as a table of sparklines, one row per gauge with its
// last sparkN values and its latest value (last, the column a narrow
// panel drops first), or nil before the first update.
// It is a secondary panel (Priority −1): it never takes the place of a
// lesson's main picture.
func (h *Health) Panel() *scene.Panel {
	if len(h.Gauges) == 0 {
		return nil
	}
	rows := make([][]string, 0, len(h.Gauges))
	for _, g := range h.Gauges {
		vs := g.Values[max(0, len(g.Values)-sparkN):]
		share := g.Kind == GaugeDead || g.Kind == GaugeSaturated
		now := Num(vs[len(vs)-1])
		if share {
			now = fmt.Sprintf("%.0f%%", 100*vs[len(vs)-1])
		}
		rows = append(rows, []string{g.Layer, g.Kind, Sparkline(vs, share), now})
	}
	return &scene.Panel{Kind: scene.KindTable, ID: "health", Priority: -1,
		Title: "training health · ‖ΔW‖/‖W‖ ≈ 1e-3 is the rule of thumb",
		Table: &scene.Table{Columns: []string{"layer", "gauge", fmt.Sprintf("last %d", sparkN), "now"}, Rows: rows}}
}

// sparks are the eight heights of a sparkline.
var sparks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws vs as one character each: shares on a fixed scale from
// 0 to 1, other values on a log scale from the smallest to the largest
// positive value shown, at least a decade (norms and ratios span orders
// of magnitude). A
// value that is not finite, or not positive on a log scale, is a space.
func Sparkline(vs []float64, share bool) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	pos := func(v float64) (float64, bool) {
		if share {
			return v, Finite(v)
		}
		if !Finite(v) || v <= 0 {
			return 0, false
		}
		return math.Log10(v), true
	}
	for _, v := range vs {
		if x, ok := pos(v); ok {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if share {
		lo, hi = 0, 1
	} else if hi-lo < 1 {
		// At least a decade, so that a change in the third digit reads
		// as flat rather than as the full height.
		// The middle of the values sits on a level, not between two.
		mid := (lo + hi) / 2
		lo = mid - 4.0/float64(len(sparks)-1)
		hi = lo + 1
	}
	var b strings.Builder
	for _, v := range vs {
		x, ok := pos(v)
		switch {
		case !ok:
			b.WriteRune(' ')
		case hi <= lo:
			b.WriteRune(sparks[len(sparks)/2])
		default:
			k := int(math.Round((x - lo) / (hi - lo) * float64(len(sparks)-1)))
			b.WriteRune(sparks[min(max(k, 0), len(sparks)-1)])
		}
	}
	return b.String()
}

// Health returns the loop's training-health gauges recorded so far (see
// Watch.Health), for a test or a front end that reads the numbers rather
// than the panel.
func (l *Loop) Health() *Health { return l.Watch.Health() }

// RecordUpdate adds one gradient norm and one update-to-weight ratio for
// layer, over all of ups (the latest update of a whole network, say:
// Watch.LastUpdate), for a machine that drives its own training and
// keeps its own Health.
func (h *Health) RecordUpdate(layer string, ups []ParamUpdate) {
	pooled := make([]ParamUpdate, len(ups))
	for i, u := range ups {
		u.Name = layer
		pooled[i] = u
	}
	h.recordUpdate(pooled)
}

// RecordUnits adds, for layer, the share of dead ReLU units and of
// saturated sigmoid or tanh units over all the activation nodes of nodes
// (pooled: their flat units over their units), one value per kind found.
func (h *Health) RecordUnits(layer string, nodes []*autograd.Node) {
	type pool struct{ flat, units int }
	var kinds []string
	pools := map[string]*pool{}
	for _, n := range nodes {
		kind, flat := activation(n.Op)
		if flat == nil {
			continue
		}
		f, u := unitCounts(n.Op, n.Out.Value.Data, n.Out.Value.Shape)
		p, ok := pools[kind]
		if !ok {
			p = &pool{}
			pools[kind] = p
			kinds = append(kinds, kind)
		}
		p.flat += f
		p.units += u
	}
	for _, k := range kinds {
		if p := pools[k]; p.units > 0 {
			h.record(layer, k, float64(p.flat)/float64(p.units))
		}
	}
}

// EncodeHealth writes h for DecodeHealth.
func EncodeHealth(e *lessons.Encoder, h *Health) {
	e.Len(len(h.Gauges), false)
	for _, g := range h.Gauges {
		e.String(g.Layer)
		e.String(g.Kind)
		e.Floats(g.Values)
	}
}

// DecodeHealth reads what EncodeHealth wrote.
func DecodeHealth(d *lessons.Decoder) Health {
	var h Health
	n, _ := d.Len(maxGauges, 3)
	for range n {
		if d.Err() != nil {
			break
		}
		h.Gauges = append(h.Gauges, Gauge{Layer: d.String(256), Kind: d.String(256), Values: d.Floats(2 * healthKeep)})
	}
	return h
}
