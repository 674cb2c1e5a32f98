package conv2d

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestConv2D(t *testing.T) {
	checks.Conv2D(t, checks.Conv2DImpl{OutSize: OutSize, Forward: Forward, Backward: Backward})
}
