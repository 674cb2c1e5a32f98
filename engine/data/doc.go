// Package data holds the deterministic datasets of the lessons and the
// mini-batching they train with. Every generator takes a seed; the same seed
// gives the same numbers on every machine.
package data
