package textgen

import (
	"math"
	"os"
	"testing"
	"time"

	"github.com/dlearn/dlearn/lessons"
)

func TestMeasureDefaults(t *testing.T) {
	if os.Getenv("MEASURE") == "" {
		t.Skip()
	}
	cfg := config{lr: 0.01, epochs: 4, temperature: 0.8, topK: 10, pos: Ctx}
	t0 := time.Now()
	m := newMachine(42, cfg)
	for !m.Done() {
		m.Advance(lessons.Epoch)
		e := m.evals[len(m.evals)-1]
		t.Logf("%.1fs step %d val %.3f ppl %.2f words %.2f of %d dead %.2f\n%s", time.Since(t0).Seconds(), e.Step, e.Val, exp(e.Val), e.WordRate, e.Words, e.Dead, e.Text[:300])
	}
	for _, p := range m.curve {
		t.Logf("%d %.3f %.3f %q", p.Step, p.Train, p.Val, p.Sample)
	}
}
func exp(x float64) float64 { return math.Exp(x) }
