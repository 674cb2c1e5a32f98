package backprop

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestBackprop(t *testing.T) { checks.Backprop(t, checks.BackpropImpl{Backward: Backward}) }
