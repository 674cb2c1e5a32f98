package optim

import (
	"fmt"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/tensor"
)

// An optimizer whose state is exported and imported into a fresh one of
// the same settings, keyed by other parameters, goes on exactly as the
// original.
func TestExportImportState(t *testing.T) {
	for _, name := range allNames {
		o := mustNew(t, name, 0.05)
		w := param("w", 1, -2, 0.5)
		skipped := param("s", 3)
		grad := func(w *autograd.Var) {
			w.Grad = tensor.FromValues([]float64{w.Value.Data[0] * 3, w.Value.Data[1] - 1, w.Value.Data[2] * w.Value.Data[2]}, 3)
		}
		for range 3 {
			grad(w)
			o.Step([]*autograd.Var{w, skipped})
		}
		if _, ok := ExportState(o, skipped); ok {
			t.Errorf("%s: state exported for a parameter never updated", name)
		}
		st, ok := ExportState(o, w)
		if !ok || st.Steps != 3 {
			t.Fatalf("%s: ExportState = %+v, %v", name, st, ok)
		}
		n := Buffers(o)
		if (st.A != nil) != (n > 0) || (st.B != nil) != (n > 1) {
			t.Errorf("%s: %d buffers, exported A %v B %v", name, n, st.A, st.B)
		}
		fresh := mustNew(t, name, 0.05)
		w2 := autograd.NewParam("w2", w.Value.Clone())
		if err := ImportState(fresh, w2, st); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st.Last[0] = 1e9 // the import is a copy
		for range 3 {
			grad(w)
			o.Step([]*autograd.Var{w})
			grad(w2)
			fresh.Step([]*autograd.Var{w2})
		}
		if fmt.Sprint(w.Value.Data) != fmt.Sprint(w2.Value.Data) {
			t.Errorf("%s: imported state diverged: %v vs %v", name, w.Value.Data, w2.Value.Data)
		}
		if fmt.Sprint(o.State(w)) != fmt.Sprint(fresh.State(w2)) {
			t.Errorf("%s: states differ after import", name)
		}
		// Wrong sizes and buffers are refused, and change nothing.
		bad := []ParamState{
			{Last: []float64{1, 2}, A: st.A, B: st.B},
			{Last: st.Last, A: st.A, B: st.B, Steps: -1},
			{Last: st.Last, A: []float64{1}, B: st.B},
			{Last: st.Last, A: st.A, B: []float64{1, 2, 3, 4}},
		}
		if n < 2 {
			bad = append(bad, ParamState{Last: st.Last, A: st.A, B: []float64{1, 2, 3}})
		}
		if n < 1 {
			bad = append(bad, ParamState{Last: st.Last, A: []float64{1, 2, 3}})
		}
		if n >= 1 {
			bad = append(bad, ParamState{Last: st.Last, B: st.B})
		}
		for i, b := range bad {
			w3 := param("w3", 1, 2, 3)
			if err := ImportState(fresh, w3, b); err == nil {
				t.Errorf("%s: bad state %d accepted", name, i)
			}
			if fresh.LastUpdate(w3) != nil {
				t.Errorf("%s: bad state %d left state behind", name, i)
			}
		}
	}
}
