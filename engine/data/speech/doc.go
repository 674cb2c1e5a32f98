// Package speech holds the kit's spoken digits: the words "zero" …
// "nine" said by the espeak-ng speech synthesiser in 288 voices (36 voice
// variants × 8 English accents), at random speeds and pitches, as
// quantised log-mel spectrograms, and the waveforms of ten test
// utterances. It also holds the code that makes the features (framing, the
// Hann window, a radix-2 FFT, the HTK mel filter bank and the logarithm),
// the same code the speech lesson steps through and the generator
// (engine/data/internal/mkspeech) ran.
//
// The audio is synthetic: one synthesiser, clean, every word alone. The
// test set's voice variants are never heard in training.
package speech
