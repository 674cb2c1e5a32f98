// Package optim holds dlearn's optimizers. Each one updates parameters in
// place from their gradients and keeps, for every parameter, its state and
// the last update it applied, because the lessons display them.
package optim
