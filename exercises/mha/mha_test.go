package mha

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestMHA(t *testing.T) {
	checks.MHA(t, checks.MHAImpl{Forward: Forward, Backward: Backward})
}
