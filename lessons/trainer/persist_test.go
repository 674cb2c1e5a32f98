package trainer

import (
	"fmt"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
	"github.com/dlearn/dlearn/engine/optim"
	"github.com/dlearn/dlearn/engine/tensor"
	"github.com/dlearn/dlearn/lessons"
)

// Every optimizer, saved and read back onto other parameters, goes on
// exactly as the original; a short or foreign encoding is an error.
func TestOptimizerEncoding(t *testing.T) {
	for _, name := range optim.Names {
		opt, err := optim.New(name, 0.05, optim.WithWeightDecay(0.01))
		if err != nil {
			t.Fatal(err)
		}
		mk := func() []*autograd.Var {
			return []*autograd.Var{
				autograd.NewParam("a", tensor.FromValues([]float64{1, -2, 3}, 3)),
				autograd.NewParam("b", tensor.FromValues([]float64{0.5}, 1)),
				autograd.NewParam("never", tensor.FromValues([]float64{7}, 1)),
			}
		}
		step := func(o optim.Optimizer, ps []*autograd.Var) {
			for _, p := range ps[:2] {
				p.Grad = tensor.New(p.Value.Shape...)
				for i, v := range p.Value.Data {
					p.Grad.Data[i] = v*v - 1
				}
			}
			o.Step(ps)
		}
		ps, qs := mk(), mk()
		for range 3 {
			step(opt, ps)
		}
		var e lessons.Encoder
		if err := EncodeOptimizer(&e, opt, ps); err != nil {
			t.Fatal(err)
		}
		d := lessons.NewDecoder(e.Bytes())
		got, err := DecodeOptimizer(d, qs)
		if err != nil || d.End() != nil {
			t.Fatalf("%s: %v %v", name, err, d.End())
		}
		if got.Name() != opt.Name() || fmt.Sprint(got) != fmt.Sprint(opt) {
			t.Fatalf("%s: decoded %v, want %v", name, got, opt)
		}
		for i := range ps {
			copy(qs[i].Value.Data, ps[i].Value.Data)
		}
		for range 3 {
			step(opt, ps)
			step(got, qs)
		}
		for i := range ps {
			if fmt.Sprint(ps[i].Value.Data) != fmt.Sprint(qs[i].Value.Data) {
				t.Fatalf("%s: %s = %v after decoding, want %v", name, ps[i].Name, qs[i].Value.Data, ps[i].Value.Data)
			}
		}
		if got.LastUpdate(qs[2]) != nil {
			t.Fatalf("%s: state for a parameter never updated", name)
		}
		if _, err := DecodeOptimizer(lessons.NewDecoder(e.Bytes()[:len(e.Bytes())-3]), qs); err == nil {
			t.Fatalf("%s: a truncated encoding decoded", name)
		}
		if _, err := DecodeOptimizer(lessons.NewDecoder(e.Bytes()), qs[:2]); err == nil {
			t.Fatalf("%s: decoded for two parameters instead of three", name)
		}
	}
}
