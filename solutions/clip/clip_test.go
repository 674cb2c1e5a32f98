package clip

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestClip(t *testing.T) {
	checks.Clip(t, checks.ClipImpl{ClipGradNorm: ClipGradNorm})
}
