// Package plain renders scenes as plain text: the transcript front end
// behind `dlearn lesson ID --plain`, and the fallback when there is no
// terminal. It draws every panel kind without colour or cursor movement,
// so the output can be piped, diffed and read in a log: a table or matrix
// as aligned columns, a plot as a small character chart, a graph as a list
// of nodes with the current one marked, an image in shades of characters.
package plain
