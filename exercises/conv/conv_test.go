package conv

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestConv(t *testing.T) {
	checks.Conv(t, checks.ConvImpl{Conv2D: Conv2D, KernelGrad: KernelGrad, InputGrad: InputGrad})
}
