package translate

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/data"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// A beam of width 1 is greedy decoding: the same outputs as the lesson's
// greedy translations, with their summed log-probabilities.
func TestBeamOfOneIsGreedy(t *testing.T) {
	r := start(t, lessons.Settings{"epochs": "1"})
	r.Advance(lessons.End)
	m := mach(r)
	in := m.heldIn[:30]
	hs := m.model.beam(in, outLen, 1)
	for i, tr := range m.model.translate(in, outLen) {
		lp := 0.0
		for _, p := range tr.probs {
			lp += math.Log(p)
		}
		if !slices.Equal(hs[i].ids, tr.ids) || math.Abs(hs[i].logp-lp) > 1e-9 {
			t.Fatalf("#%d: beam 1 %v (%v), greedy %v (%v)", i, hs[i].ids, hs[i].logp, tr.ids, lp)
		}
	}
}

// Two positions deep with a beam as wide as the vocabulary, beam search
// keeps every first character, so it finds the most probable pair of all,
// as trying every pair does.
func TestBeamFindsTheBestPair(t *testing.T) {
	r := start(t, lessons.Settings{"epochs": "1"})
	r.Advance(lessons.End)
	m := mach(r)
	md := m.model
	v := m.outV.Size()
	for _, in := range m.heldIn[:5] {
		got := md.beam([][]int{in}, 2, v)[0]
		// Every pair, from the decoder stepped by hand.
		tp := autograd.NoGradTape()
		e := md.encode(tp, [][]int{in})
		l1, s, c, _ := md.decodeStep(tp, e, []int{data.StartID}, e.h, e.c)
		lp1 := logSoftmaxRows(l1.Value.Data, v)
		best, bestIDs := math.Inf(-1), []int(nil)
		for a := range v {
			l2, _, _, _ := md.decodeStep(tp, e, []int{a}, s, c)
			lp2 := logSoftmaxRows(l2.Value.Data, v)
			for b := range v {
				if x := lp1[a] + lp2[b]; x > best {
					best, bestIDs = x, []int{a, b}
				}
			}
		}
		if !slices.Equal(got.ids, bestIDs) || math.Abs(got.logp-best) > 1e-9 {
			t.Fatalf("%v: beam %v (%v), every pair's best %v (%v)", in, got.ids, got.logp, bestIDs, best)
		}
	}
}

// The finished run compares greedy decoding with the beam in its
// narrative and a panel, with the greedy numbers of its own evaluation;
// after one epoch the beam changes outputs and finds more probable ones.
func TestFinishedComparesBeam(t *testing.T) {
	r := start(t, lessons.Settings{"epochs": "1"})
	r.Advance(lessons.End)
	m := mach(r)
	sc := r.Scene()
	b := m.compareBeam()
	if ev := m.evals[len(m.evals)-1]; b.greedyExact != ev.exact {
		t.Errorf("greedy exact %v, the evaluation's %v", b.greedyExact, ev.exact)
	}
	if b.changed == 0 || b.beamLogp <= b.greedyLogp || len(b.examples) == 0 {
		t.Errorf("after one epoch: %+v", *b)
	}
	if !strings.Contains(sc.Narrative, "Greedy or beam?") || !strings.Contains(sc.Narrative, "raises their mean log p from") {
		t.Errorf("narrative:\n%s", sc.Narrative)
	}
	var found bool
	for _, p := range sc.Panels {
		found = found || p.ID == "beam" && p.Table.Rows[1][1] == trainer.Num(b.greedyLogp)
	}
	if !found {
		t.Errorf("no beam panel with the mean log p: %+v", sc.Panels)
	}
	if r.Back(); strings.Contains(r.Scene().Narrative, "Greedy or beam?") {
		t.Error("the comparison shows before the run is over")
	}
}
