package dpsgd

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestDPSGD(t *testing.T) {
	checks.DPSGD(t, checks.DPSGDImpl{Step: Step})
}
