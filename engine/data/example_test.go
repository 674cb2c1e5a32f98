package data_test

import (
	"fmt"

	"github.com/dlearn/dlearn/engine/data"
)

func ExampleDatePairs() {
	in, out := data.DateVocabs()
	for _, p := range data.DatePairs(1, 3) {
		ids, _ := in.EncodeSeq(p.In, data.DateMaxIn+2, true, true)
		fmt.Printf("%-28s → %s  (%d input ids, %s)\n", p.In, p.Out, len(ids), in.Token(ids[0]))
	}
	fmt.Println(out.Size(), "output ids:", out.Chars())
	// Output:
	// 26.1.2043                    → 2043-01-26  (30 input ids, <s>)
	// Sat 10 Mar 2040              → 2040-03-10  (30 input ids, <s>)
	// Apr 29, 2020                 → 2020-04-29  (30 input ids, <s>)
	// 15 output ids: -0123456789
}

func ExampleSkipGrams() {
	words := data.NewWords([][]string{{"the", "cat", "sleeps"}})
	ids := words.IDs([][]string{{"the", "cat", "sleeps"}})
	for _, p := range data.SkipGrams(ids, 1) {
		fmt.Println(words.List[p.Center], "→", words.List[p.Context])
	}
	// Output:
	// the → cat
	// cat → the
	// cat → sleeps
	// sleeps → cat
}

func ExampleLoader() {
	l := data.NewLoader(5, 2, true, 1)
	for range 4 {
		epoch, rows := l.Next()
		fmt.Println(epoch, rows)
	}
	// Output:
	// 0 [4 3]
	// 0 [0 2]
	// 0 [1]
	// 1 [3 0]
}
