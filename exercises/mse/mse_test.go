package mse

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestMSE(t *testing.T) { checks.MSE(t, checks.MSEImpl{Loss: Loss, Grad: Grad}) }
