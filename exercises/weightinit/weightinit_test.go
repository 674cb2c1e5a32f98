package weightinit

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestWeightInit(t *testing.T) {
	checks.WeightInit(t, checks.WeightInitImpl{XavierUniformLimit: XavierUniformLimit, XavierNormalStd: XavierNormalStd, HeNormalStd: HeNormalStd, HeUniformLimit: HeUniformLimit, LayerVariances: LayerVariances})
}
