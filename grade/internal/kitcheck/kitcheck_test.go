package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestExportedAPI(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.go"), `package a

// Eps is a constant.
const Eps = 1e-7

const hidden = 1

type Adam struct {
	LR, Beta1 float64
	m, v      []float64
	t         int
}

func New(lr float64) *Adam { return nil }

func (a *Adam) Step(w, g []float64) {}

func (a *Adam) helper() {}

func Backward(x, W1 [][]float64, b1 []float64) (dW1 [][]float64, db1 []float64) { return nil, nil }
`)
	write(t, filepath.Join(dir, "a_test.go"), "package a\n\nfunc TestX() {}\n")
	got, err := exportedAPI(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"const Eps = 1e-7",
		"func (*Adam) Step([]float64, []float64)",
		"func Backward([][]float64, [][]float64, []float64) ([][]float64, []float64)",
		"func New(float64) *Adam",
		"package a",
		"type Adam struct{LR float64; Beta1 float64}",
	}
	if !slices.Equal(got, want) {
		t.Errorf("exportedAPI:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRealExercisesMatchTheirSolutions(t *testing.T) {
	if _, err := os.Stat("../../../solutions"); err != nil {
		t.Log("no solutions/ folder (a classroom copy): nothing to compare")
		return
	}
	if err := compareAPIs("../../../exercises", "../../../solutions"); err != nil {
		t.Fatal(err)
	}
}

func TestCompareAPIsFindsADifference(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "ex/mse/mse.go"), "package mse\n\nfunc Loss(p, t []float64) float64 { panic(0) }\n")
	write(t, filepath.Join(root, "sol/mse/mse.go"), "package mse\n\nfunc Loss(p []float64, t []float32) float64 { return 0 }\n")
	err := compareAPIs(filepath.Join(root, "ex"), filepath.Join(root, "sol"))
	if err == nil || !strings.Contains(err.Error(), "1 of 1 exercises") {
		t.Errorf("compareAPIs: %v", err)
	}
	write(t, filepath.Join(root, "sol/extra/extra.go"), "package extra\n")
	if err := compareAPIs(filepath.Join(root, "ex"), filepath.Join(root, "sol")); err == nil || !strings.Contains(err.Error(), "differ") {
		t.Errorf("a solution without an exercise: %v", err)
	}
}

func TestWriteOverlay(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "ex/mse/mse.go"), "package mse\n")
	write(t, filepath.Join(root, "ex/mse/old.go"), "package mse\n")
	write(t, filepath.Join(root, "ex/mse/mse_test.go"), "package mse\n")
	write(t, filepath.Join(root, "sol/mse/mse.go"), "package mse\n")
	write(t, filepath.Join(root, "sol/mse/helpers.go"), "package mse\n")
	file := filepath.Join(root, "overlay.json")
	if err := writeOverlay(filepath.Join(root, "ex"), filepath.Join(root, "sol"), file); err != nil {
		t.Fatal(err)
	}
	var got struct{ Replace map[string]string }
	data, _ := os.ReadFile(file)
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	ex, sol := filepath.Join(root, "ex/mse"), filepath.Join(root, "sol/mse")
	want := map[string]string{
		filepath.Join(ex, "mse.go"):     filepath.Join(sol, "mse.go"),
		filepath.Join(ex, "helpers.go"): filepath.Join(sol, "helpers.go"),
		filepath.Join(ex, "old.go"):     "",
	}
	if len(got.Replace) != len(want) {
		t.Fatalf("overlay %v, want %v", got.Replace, want)
	}
	for k, v := range want {
		if got.Replace[k] != v {
			t.Errorf("overlay[%s] = %q, want %q", k, got.Replace[k], v)
		}
	}
	write(t, filepath.Join(root, "ex/adam/adam.go"), "package adam\n")
	if err := writeOverlay(filepath.Join(root, "ex"), filepath.Join(root, "sol"), file); err == nil {
		t.Error("an exercise without a solution gave no error")
	}
}
