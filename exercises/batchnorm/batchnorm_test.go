package batchnorm

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestBatchNorm(t *testing.T) {
	checks.BatchNorm(t, checks.BatchNormImpl{TrainForward: TrainForward, EvalForward: EvalForward, Backward: Backward})
}
