// Package course lists dlearn's lessons in course order. It is the one
// place a new lesson is added: write its package under lessons/, then add
// its Lesson() here.
package course

import (
	"github.com/dlearn/dlearn/lessons"
	"github.com/dlearn/dlearn/lessons/attention"
	"github.com/dlearn/dlearn/lessons/backprop"
	"github.com/dlearn/dlearn/lessons/cnn"
	"github.com/dlearn/dlearn/lessons/embeddings"
	"github.com/dlearn/dlearn/lessons/explain"
	"github.com/dlearn/dlearn/lessons/gan"
	"github.com/dlearn/dlearn/lessons/linreg"
	"github.com/dlearn/dlearn/lessons/logreg"
	"github.com/dlearn/dlearn/lessons/optimizers"
	"github.com/dlearn/dlearn/lessons/overfit"
	"github.com/dlearn/dlearn/lessons/privacy"
	"github.com/dlearn/dlearn/lessons/rnn"
	"github.com/dlearn/dlearn/lessons/sentiment"
	"github.com/dlearn/dlearn/lessons/textgen"
	"github.com/dlearn/dlearn/lessons/toolkit"
	"github.com/dlearn/dlearn/lessons/translate"
)

// Registry returns a fresh registry of every lesson, in course order.
func Registry() *lessons.Registry {
	return lessons.NewRegistry(
		linreg.Lesson(),
		logreg.Lesson(),
		backprop.Lesson(),
		optimizers.Lesson(),
		toolkit.Lesson(),
		overfit.Lesson(),
		privacy.Lesson(),
		cnn.Lesson(),
		explain.Lesson(),
		rnn.Lesson(),
		embeddings.Lesson(),
		sentiment.Lesson(),
		attention.Lesson(),
		translate.Lesson(),
		textgen.Lesson(),
		gan.Lesson(),
	)
}
