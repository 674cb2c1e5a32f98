package decode

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestDecode(t *testing.T) {
	checks.Decode(t, checks.DecodeImpl{Greedy: Greedy, Beam: Beam})
}
