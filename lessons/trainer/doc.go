// Package trainer holds what lesson machines share when they walk a real
// engine training step op by op: the cursor over forward nodes, backward
// nodes and the update, and the conversion of a tape into a scene graph.
// Lessons stay small by building on it; front ends never import it.
package trainer
