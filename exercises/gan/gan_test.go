package gan

import (
	"testing"

	"github.com/dlearn/dlearn/internal/checks"
)

func TestGAN(t *testing.T) {
	checks.GAN(t, checks.GANImpl{DiscriminatorLoss: DiscriminatorLoss, GeneratorLoss: GeneratorLoss, DiscriminatorGrad: DiscriminatorGrad, GeneratorGrad: GeneratorGrad})
}
