package melbank

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestMelBank(t *testing.T) {
	checks.MelBank(t, checks.MelBankImpl{MelFilterBank: MelFilterBank, PowerSpectrum: PowerSpectrum})
}
