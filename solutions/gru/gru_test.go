package gru

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestGRU(t *testing.T) { checks.GRU(t, checks.GRUImpl{Step: Step}) }
