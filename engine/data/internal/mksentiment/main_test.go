package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The generator still writes exactly the shipped file: the data are
// reproducible from the grammar and the hand-written sentences.
func TestGeneratorReproducesTheShippedFile(t *testing.T) {
	hand, err := os.ReadFile("handwritten.tsv")
	if err != nil {
		t.Fatal(err)
	}
	ss, err := Generate(hand)
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile(filepath.Join("..", "..", "sentiment", "sentences.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if got := Format(ss); !bytes.Equal(got, shipped) {
		t.Fatal("the generator's output differs from engine/data/sentiment/sentences.tsv: run go run ./engine/data/internal/mksentiment")
	}
}

func TestArticleAndVerb(t *testing.T) {
	if a("ugly film") != "an ugly film" || a("good film") != "a good film" {
		t.Fatal("article")
	}
	if be("the headphones", false) != "were" || be("the glass", true) != "is" || be("the film", false) != "was" {
		t.Fatal("be")
	}
}
