package bptt

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestBPTT(t *testing.T) {
	checks.BPTT(t, checks.BPTTImpl{Forward: Forward, Backward: Backward})
}
