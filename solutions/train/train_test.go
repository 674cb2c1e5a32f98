package train

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestTrain(t *testing.T) {
	checks.Train(t, checks.TrainImpl{Train: Train})
}
