package bench

import (
	"math"
	"runtime"
	"testing"

	"github.com/dlearn/dlearn/engine/autograd"
)

// TestTrajectoriesPinned trains W3, W5, W6 and W7 for a few steps with one
// and with two cores and checks a hash of the bits of every loss and of
// every parameter afterwards against the values recorded before their
// steps were restructured for speed (commit e0dc862): the fused and
// reorganised steps must compute exactly what the earlier ones computed.
// The pins hold on amd64, where they were recorded (math.Exp has an
// assembly version there); elsewhere the test says so and stops. A change
// that is meant to alter rounding (a faster exp, a reordered optimizer)
// moves them: the failure prints the new pin to record.
func TestTrajectoriesPinned(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("the pinned hashes were recorded on amd64, this is %s", runtime.GOARCH)
	}
	pins := []struct {
		name           string
		steps          int
		losses, params uint64
	}{
		{"W3 mlp", 40, 0xcd0796f14390ccd5, 0xc6ec2f00c0856b0a},
		{"W5 rnn", 20, 0x30adb42d6060b1c0, 0xda870668cb157632},
		{"W6 attention", 20, 0x40afd3627b67621c, 0x99aaf88660b4aaef},
		{"W7 gan", 20, 0xc2e6f3f45cdd69a2, 0x54f8622b8fe40547},
	}
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		for _, pin := range pins {
			var w Workload
			var params []*autograd.Var
			switch pin.name {
			case "W3 mlp":
				m := NewMLP(benchSeed, MLPLR)
				w, params = m, m.params
			case "W5 rnn":
				r := NewRNN(benchSeed)
				w, params = r, r.params
			case "W6 attention":
				a := NewAttention(benchSeed)
				w, params = a, a.params
			case "W7 gan":
				g := NewGAN(benchSeed)
				w, params = g, append(append([]*autograd.Var{}, g.paramG...), g.paramD...)
			}
			var losses, ps uint64
			for range pin.steps {
				losses = losses*31 + math.Float64bits(w.Step())
			}
			for _, p := range params {
				for _, v := range p.Value.Data {
					ps = ps*31 + math.Float64bits(v)
				}
			}
			if losses != pin.losses || ps != pin.params {
				t.Errorf("%s, GOMAXPROCS %d: after %d steps, hashes %#x (losses) and %#x (parameters), want %#x and %#x; "+
					"if a change meant to alter rounding (a kernel, an optimizer) caused this, record the new pin "+
					"{%q, %d, %#x, %#x} and say so",
					pin.name, procs, pin.steps, losses, ps, pin.losses, pin.params, pin.name, pin.steps, losses, ps)
			}
		}
	}
}
