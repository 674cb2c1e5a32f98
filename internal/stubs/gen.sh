#!/bin/sh
# Copies the exercises' starting files into files/ and their READMEs into
# docs/ (run by go generate).
set -e
rm -rf files docs
mkdir -p docs
cd ../../exercises
for f in */*.go; do
  mkdir -p "../internal/stubs/files/$(dirname "$f")"
  cp "$f" "../internal/stubs/files/$f.txt"
done
for f in */README.md; do
  cp "$f" "../internal/stubs/docs/$(dirname "$f").md"
done
