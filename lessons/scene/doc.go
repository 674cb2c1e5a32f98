// Package scene is the contract between a lesson and every front end: what
// a lesson run shows at one moment, as a plain value.
//
// A Scene holds titles, the narrative (Markdown with the live numbers
// already filled in), the current settings, a status line and a list of
// panels. A Panel is one of a small closed set of kinds — plot, matrix,
// computation graph, image, bars, table — and exactly one of its pointer
// fields, the one matching its Kind, is set. Front ends switch on Kind; they
// never need to know which lesson made the scene. Scenes contain no
// functions, channels or engine types, so they compare with reflect.DeepEqual
// and encode to JSON as they are.
package scene
