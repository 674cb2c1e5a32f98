package translate

import (
	"fmt"
	"math"
	"slices"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/lessons/scene"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Beam search: greedy decoding keeps the single most probable character at
// each position, and a choice that looks best now can force worse ones
// later. A beam of width k keeps the k most probable partial translations
// (by the sum of their characters' log-probabilities), extends each by
// every character, and keeps the best k of those, to the last position.
// Every output here has the same length, so the sums need no length
// normalisation. The lesson compares it with greedy decoding on the
// held-out dates once the run is over.

// BeamWidth is the beam the finished run is decoded with.
const BeamWidth = 3

// hyp is one decoded output with its log-probability.
type hyp struct {
	ids  []int
	logp float64
}

// beam decodes each input with a beam of width k, n positions deep, and
// returns the best hypothesis of each, in order, without recording
// gradients. With k = 1 it is greedy decoding.
func (m *model) beam(in [][]int, n, k int) []hyp {
	out := make([]hyp, len(in))
	for lo := 0; lo < len(in); lo += evalChunk {
		chunk := in[lo:min(lo+evalChunk, len(in))]
		copy(out[lo:], m.beamChunk(chunk, n, k))
	}
	return out
}

// beamChunk is beam for a few inputs at once: each input is encoded k
// times, its k rows holding its k hypotheses.
func (m *model) beamChunk(in [][]int, n, k int) []hyp {
	rows := make([][]int, 0, len(in)*k)
	for _, s := range in {
		for range k {
			rows = append(rows, s)
		}
	}
	tp := autograd.NoGradTape()
	e := m.encode(tp, rows)
	s, c := e.h, e.c
	// Row b·k+j holds hypothesis j of input b; at the start only the
	// empty one exists.
	hyps := make([]hyp, len(rows))
	for r := range hyps {
		if r%k != 0 {
			hyps[r].logp = math.Inf(-1)
		}
	}
	prev := make([]int, len(rows))
	for r := range prev {
		prev[r] = data.StartID
	}
	type cand struct {
		from, id int
		logp     float64
	}
	for range n {
		logits, s2, c2, _ := m.decodeStep(tp, e, prev, s, c)
		v := logits.Value.Shape[1]
		lp := logSoftmaxRows(logits.Value.Data, v)
		parents := make([]int, len(rows))
		next := make([]hyp, len(rows))
		for b := range in {
			var cs []cand
			for j := range k {
				r := b*k + j
				if math.IsInf(hyps[r].logp, -1) {
					continue
				}
				for id := range v {
					cs = append(cs, cand{r, id, hyps[r].logp + lp[r*v+id]})
				}
			}
			slices.SortStableFunc(cs, func(x, y cand) int {
				if x.logp != y.logp {
					if x.logp > y.logp {
						return -1
					}
					return 1
				}
				// A tie goes to the smaller sequence.
				if d := slices.Compare(hyps[x.from].ids, hyps[y.from].ids); d != 0 {
					return d
				}
				return x.id - y.id
			})
			for j := range k {
				r := b*k + j
				if j >= len(cs) {
					parents[r], next[r] = b*k, hyp{logp: math.Inf(-1)}
					continue
				}
				c := cs[j]
				parents[r] = c.from
				next[r] = hyp{ids: append(slices.Clone(hyps[c.from].ids), c.id), logp: c.logp}
				prev[r] = c.id
			}
		}
		hyps = next
		s, c = tp.IndexSelect(s2, 0, parents), tp.IndexSelect(c2, 0, parents)
	}
	out := make([]hyp, len(in))
	for b := range in {
		out[b] = hyps[b*k]
	}
	return out
}

// logSoftmaxRows is log softmax of each row of width v, computed stably.
func logSoftmaxRows(x []float64, v int) []float64 {
	out := make([]float64, len(x))
	for r := 0; r+v <= len(x); r += v {
		row := x[r : r+v]
		mx := slices.Max(row)
		sum := 0.0
		for _, z := range row {
			sum += math.Exp(z - mx)
		}
		lse := mx + math.Log(sum)
		for j, z := range row {
			out[r+j] = z - lse
		}
	}
	return out
}

// beamResult compares greedy decoding with beam search on the held-out
// dates, with the current weights.
type beamResult struct {
	step                   int
	greedyExact, beamExact float64 // fractions translated exactly
	fixed, broken, changed int     // dates beam gets right that greedy does not, the reverse, and outputs that differ
	greedyLogp, beamLogp   float64 // mean log-probability of the outputs
	examples               []beamExample
}

// beamExample is one held-out date the two decodings translate differently.
type beamExample struct {
	in, want, greedy, beam string
	greedyLogp, beamLogp   float64
}

// compareBeam decodes the held-out dates both ways (cached per step: it
// depends only on the weights).
func (m *machine) compareBeam() *beamResult {
	if m.beamCache != nil && m.beamCache.step == m.step {
		return m.beamCache
	}
	g := m.model.beam(m.heldIn, outLen, 1)
	b := m.model.beam(m.heldIn, outLen, BeamWidth)
	res := &beamResult{step: m.step}
	n := float64(len(m.heldIn))
	for i := range m.heldIn {
		gOK, bOK := slices.Equal(g[i].ids, m.heldOut[i]), slices.Equal(b[i].ids, m.heldOut[i])
		if gOK {
			res.greedyExact++
		}
		if bOK {
			res.beamExact++
		}
		switch {
		case bOK && !gOK:
			res.fixed++
		case gOK && !bOK:
			res.broken++
		}
		res.greedyLogp += g[i].logp / n
		res.beamLogp += b[i].logp / n
		if !slices.Equal(g[i].ids, b[i].ids) {
			res.changed++
			if len(res.examples) < 4 {
				res.examples = append(res.examples, beamExample{
					in: m.held[i].In, want: m.outV.Decode(m.heldOut[i]),
					greedy: m.outV.Decode(g[i].ids), beam: m.outV.Decode(b[i].ids),
					greedyLogp: g[i].logp, beamLogp: b[i].logp})
			}
		}
	}
	res.greedyExact /= n
	res.beamExact /= n
	m.beamCache = res
	return res
}

// beamPanel is the comparison of greedy decoding with beam search.
func (m *machine) beamPanel(r *beamResult) scene.Panel {
	t := &scene.Table{Columns: []string{"", "greedy", fmt.Sprintf("beam (k = %d)", BeamWidth)}}
	t.Rows = append(t.Rows,
		[]string{"exact", pct(r.greedyExact), pct(r.beamExact)},
		[]string{"mean log p", trainer.Num(r.greedyLogp), trainer.Num(r.beamLogp)})
	for _, ex := range r.examples {
		mark := func(s string) string {
			if s == ex.want {
				return s + " ✓"
			}
			return s + " ✗"
		}
		t.Rows = append(t.Rows, []string{ex.in,
			fmt.Sprintf("%s (%s)", mark(ex.greedy), trainer.Num(ex.greedyLogp)),
			fmt.Sprintf("%s (%s)", mark(ex.beam), trainer.Num(ex.beamLogp))})
	}
	return scene.Panel{Kind: scene.KindTable, ID: "beam",
		Title: fmt.Sprintf("greedy vs beam search (k = %d) on the %d held-out dates", BeamWidth, len(m.heldIn)), Table: t}
}
