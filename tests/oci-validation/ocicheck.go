// ocicheck: runtime-spec's and runtime-tools' own checks, from Debian's
// packages, over what volt-runtime writes. Built offline by
// scripts/oci-validation-setup (GOPATH mode, /usr/share/gocode); the output
// is TAP so that tests/bats/oci-validation.bats can show each check.
//
//	ocicheck config BUNDLE   runtime-tools' validate (every check of its
//	                         CheckAll) and the config schema, read locally;
//	                         OCICHECK_SKIP="CheckName=why;..." reports a
//	                         check as skipped, with why
//	ocicheck state [FILE]    the state schema and specs-go's State type
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	multierror "github.com/hashicorp/go-multierror"
	rspec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/validate"
	"github.com/xeipuuv/gojsonschema"
)

// runtime-tools' CheckJSONSchema fetches the schema from the network; the
// same schema ships in golang-github-opencontainers-specs-dev.
const schemaDir = "/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema/"

var n, failed int

// skips: checks the caller excludes, with why (OCICHECK_SKIP="Name=why;...")
var skips = map[string]string{}

func tap(ok bool, what string, err error) {
	n++
	if ok {
		fmt.Printf("ok %d - %s\n", n, what)
		return
	}
	failed++
	fmt.Printf("not ok %d - %s\n", n, what)
	if err != nil {
		for _, l := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
			fmt.Printf("# %s\n", l)
		}
	}
}

func schema(name string, doc []byte) error {
	res, err := gojsonschema.Validate(gojsonschema.NewReferenceLoader("file://"+schemaDir+name),
		gojsonschema.NewBytesLoader(doc))
	if err != nil {
		return err
	}
	if res.Valid() {
		return nil
	}
	var b strings.Builder
	for _, e := range res.Errors() {
		b.WriteString(e.String() + "\n")
	}
	return fmt.Errorf("%s", b.String())
}

func config(bundle string) {
	doc, err := os.ReadFile(bundle + "/config.json")
	if err != nil {
		tap(false, "config.json is readable", err)
		return
	}
	err = schema("config-schema.json", doc)
	tap(err == nil, "config.json matches runtime-spec's config-schema.json", err)
	v, err := validate.NewValidatorFromPath(bundle, true, runtime.GOOS)
	if err != nil {
		tap(false, "runtime-tools' validator reads the bundle", err)
		return
	}
	checks := []struct {
		name string
		f    func() error
	}{
		{"CheckPlatform", v.CheckPlatform},
		{"CheckRoot", v.CheckRoot},
		{"CheckMandatoryFields", v.CheckMandatoryFields},
		{"CheckSemVer", v.CheckSemVer},
		{"CheckMounts", v.CheckMounts},
		{"CheckProcess", v.CheckProcess},
		{"CheckLinux", v.CheckLinux},
		{"CheckAnnotations", v.CheckAnnotations},
		{"CheckHooks", v.CheckHooks},
	}
	for _, c := range checks {
		if why, ok := skips[c.name]; ok {
			n++
			fmt.Printf("ok %d - runtime-tools validate.%s # SKIP %s\n", n, c.name, why)
			continue
		}
		err := c.f()
		// CheckMandatoryFields returns an empty *multierror.Error, not nil
		if me, ok := err.(*multierror.Error); ok && len(me.Errors) == 0 {
			err = nil
		}
		tap(err == nil, "runtime-tools validate."+c.name, err)
	}
}

func state(in io.Reader) {
	doc, err := io.ReadAll(in)
	if err != nil {
		tap(false, "state is readable", err)
		return
	}
	err = schema("state-schema.json", doc)
	tap(err == nil, "state matches runtime-spec's state-schema.json", err)
	var st rspec.State
	dec := json.NewDecoder(bytes.NewReader(doc))
	err = dec.Decode(&st)
	tap(err == nil, "state decodes as specs-go State", err)
	tap(st.Version != "" && strings.HasPrefix(st.Version, "1."), "state ociVersion is 1.x", fmt.Errorf("ociVersion %q", st.Version))
	tap(st.ID != "", "state id is set", nil)
	tap(strings.HasPrefix(st.Bundle, "/"), "state bundle is an absolute path", fmt.Errorf("bundle %q", st.Bundle))
	running := st.Status == rspec.StateCreated || st.Status == rspec.StateRunning
	tap(!running || st.Pid > 0, "state pid is set while created or running", fmt.Errorf("status %s pid %d", st.Status, st.Pid))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: ocicheck config BUNDLE | state [FILE]")
		os.Exit(2)
	}
	for _, kv := range strings.Split(os.Getenv("OCICHECK_SKIP"), ";") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			skips[strings.TrimSpace(k)] = v
		}
	}
	switch os.Args[1] {
	case "config":
		if len(os.Args) != 3 {
			os.Exit(2)
		}
		config(os.Args[2])
	case "state":
		in := io.Reader(os.Stdin)
		if len(os.Args) == 3 {
			f, err := os.Open(os.Args[2])
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			defer f.Close()
			in = f
		}
		state(in)
	default:
		os.Exit(2)
	}
	fmt.Printf("1..%d\n", n)
	if failed > 0 {
		os.Exit(1)
	}
}
