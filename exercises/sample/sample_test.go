package sample

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestSample(t *testing.T) {
	checks.Sample(t, checks.SampleImpl{Probs: Probs, Sample: Sample})
}
