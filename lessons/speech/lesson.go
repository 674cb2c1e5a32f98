// Package speech is the course's lesson on hearing: a spoken digit,
// "zero" to "nine", becomes a log-mel spectrogram — framed, windowed,
// Fourier-transformed, pooled into mel bands and logged, each step shown
// in numbers for one utterance — and a small CNN, walked op by op through
// the trainer, learns to tell the ten words apart from their pictures,
// measured on voices it has never heard.
//
// The words were synthesised by espeak-ng in 288 voices (see package
// engine/data/speech); the network is Conv 1→f 3×3, ReLU, MaxPool 2,
// Conv f→2f 3×3, ReLU, MaxPool 2, Flatten, Dense →10 on 24×48
// spectrograms, trained with softmax cross-entropy.
package speech

import (
	"github.com/dlearn/dlearn/engine/data/speech"
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/trainer"
)

// Lesson returns the lesson's registry entry.
func Lesson() *lessons.Lesson {
	words := make([]float64, 10)
	for i := range words {
		words[i] = float64(i)
	}
	frames := make([]float64, 0, speech.Frames/4)
	for t := 0; t < speech.Frames; t += 4 {
		frames = append(frames, float64(t))
	}
	return &lessons.Lesson{
		ID:        "speech",
		Title:     "Hearing a spoken digit",
		Summary:   "Spoken words become log-mel spectrograms (frame, window, FFT, mel bands, log), and a small CNN learns to hear ten words from voices it has never heard.",
		Topics:    []string{"audio", "short-time Fourier transform", "mel filter bank", "spectrogram", "CNN", "confusion matrix"},
		Exercises: []string{"melbank"},
		Goal:      goal,
		Controls: []lessons.Control{
			trainer.LearningRate("0.03", 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1),
			{
				Name: "optimizer", Label: "optimizer", Kind: lessons.Choice,
				Help:    "sgd, momentum (μ = 0.9) or adam; Adam wants a smaller learning rate (0.001–0.003); restarts the run",
				Choices: []string{"sgd", "momentum", "adam"}, Default: "momentum", Restart: true,
			},
			{
				Name: "filters", Label: "filters", Kind: lessons.Int,
				Help: "kernels of the first convolution (the second has twice as many); restarts the run",
				Min:  2, Max: 8, Ladder: []float64{2, 4, 8}, Default: "8", Restart: true,
			},
			{
				Name: "word", Label: "word", Kind: lessons.Int,
				Help: "the test word (0 = \"zero\" … 9 = \"nine\", all said by one held-out voice) whose sound is taken apart and followed",
				Min:  0, Max: 9, Ladder: words, Default: "7",
			},
			{
				Name: "frame", Label: "frame", Kind: lessons.Int,
				Help: "the frame (16 ms apart) of the word whose spectrum the Fourier steps show",
				Min:  0, Max: speech.Frames - 1, Ladder: frames, Default: "12",
			},
			trainer.BatchSize(256, "32"),
			trainer.Epochs(10, "1"),
		},
		New: func(seed uint64, s lessons.Settings) lessons.Machine {
			return newMachine(seed, s)
		},
	}
}
