#!/bin/sh
# Copies the exercises' starting files into files/ (run by go generate).
set -e
rm -rf files
cd ../../exercises
for f in */*.go; do
  mkdir -p "../internal/stubs/files/$(dirname "$f")"
  cp "$f" "../internal/stubs/files/$f.txt"
done
