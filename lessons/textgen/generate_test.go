package textgen

import (
	"math"
	"testing"

	"github.com/dlearn/dlearn/lessons"
)

// The scores sampling reads (nextLogits: the last position only, past
// the keys and values) are those of the whole window's last position,
// bit for bit, for every window length, on the lesson's decoder (every op
// apart) and on a measurer's (fused ops), trained a little so that the
// values are not those of the initialisation; and a sample drawn with
// them is the sample drawn from the whole window's scores.
func TestNextLogitsIsTheWindowsLastRow(t *testing.T) {
	m := newMachine(5, config{lr: 0.01, epochs: 1, temperature: 0.8, topK: 10, pos: Ctx})
	for range 20 {
		m.Advance(lessons.Step)
	}
	for _, c := range []*machine{m, m.measurer()} {
		v := len(text.alphabet)
		for n := 1; n <= Ctx; n++ {
			ctx := text.val[3*n : 3*n+n]
			all := c.nextLogitsAll(ctx)
			want := all[(n-1)*v:]
			got := c.nextLogits(ctx)
			if len(got) != v {
				t.Fatalf("fused %v, %d ids: %d scores, want %d", c.dec.fused, n, len(got), v)
			}
			for j := range v {
				if math.Float64bits(got[j]) != math.Float64bits(want[j]) {
					t.Fatalf("fused %v, %d ids: score %d is %v, the window's last row has %v", c.dec.fused, n, j, got[j], want[j])
				}
			}
		}
		// The whole-window generation, as it was.
		u, ref := c.sampleRNG(20, 2), text.encode(Prompt)
		for range 60 {
			ctx := ref[max(0, len(ref)-Ctx):]
			ref = append(ref, Sample(c.nextLogitsAll(ctx)[(len(ctx)-1)*v:], c.cfg.temperature, c.cfg.topK, u()))
		}
		if got, want := c.generate(Prompt, 60, c.sampleRNG(20, 2)), text.decode(ref); got != want {
			t.Fatalf("fused %v: generate gives %q, the whole windows %q", c.dec.fused, got, want)
		}
	}
}
