package posenc

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestPosEnc(t *testing.T) { checks.PosEnc(t, checks.PosEncImpl{Encode: Encode}) }
