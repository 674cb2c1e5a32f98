package grade

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestJUnitMatchesTheSchema validates the JUnit report against
// testdata/junit.xsd, the layout CI systems read, with xmllint; and shows
// the schema can fail on a report a CI system would reject.
func TestJUnitMatchesTheSchema(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint is missing: .ci/run installs libxml2-utils")
		}
		t.Skip("xmllint is not installed (apt-get install libxml2-utils); CI runs this test")
	}
	data, err := JUnit(fixtureReport())
	if err != nil {
		t.Fatal(err)
	}
	validate := func(doc string) (string, error) {
		f := filepath.Join(t.TempDir(), "junit.xml")
		if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit.xsd"), f).CombinedOutput()
		return string(out), err
	}
	if out, err := validate(string(data)); err != nil {
		t.Fatalf("the JUnit report does not match the schema: %v\n%s", err, out)
	}
	for name, broken := range map[string]string{
		"a case without a name": strings.Replace(string(data), ` name="TestMSE/Loss_hand_computed"`, "", 1),
		"a negative count":      strings.Replace(string(data), `tests="6"`, `tests="-6"`, 1),
		"a failure and an error": strings.Replace(string(data), `<system-out>debug`,
			`<error message="x" type="y">x</error><system-out>debug`, 1),
	} {
		if broken == string(data) {
			t.Fatalf("%s: the fixture changed; the test no longer breaks the report", name)
		}
		if _, err := validate(broken); err == nil {
			t.Errorf("%s: the schema accepted it", name)
		}
	}
}
