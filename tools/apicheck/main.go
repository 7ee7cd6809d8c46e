// Command apicheck runs the Kubernetes API server's create path on manifests, offline.
//
// Each object of each file goes through what kube-apiserver does to a create request:
// strict decoding (unknown and duplicate fields refused), v1 defaulting, conversion to the
// internal types, the registry strategy's PrepareForCreate and validation (rest.BeforeCreate),
// and Pod Security admission on its Pod or Pod template. All of it is upstream code, imported
// from k8s.io/kubernetes and its staging modules at one release (see --version).
//
//	apicheck [--pss restricted|baseline|none] [--allow-privileged=false] FILE...   (- reads standard input)
//	apicheck start --image-users FILE FILE...   (the kubelet's run-as-non-root check: start.go)
//
// It prints one line per object, in input order: "ACCEPTED Kind/name" or
// "REJECTED Kind/name: <upstream messages>". Exit status: 0 all accepted, 1 some rejected,
// 2 usage or input it cannot read (not YAML, not an object, a kind it does not check).
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/capabilities"
	psaapi "k8s.io/pod-security-admission/api"
	"sigs.k8s.io/yaml"
)

const usage = `usage: apicheck [--pss restricted|baseline|none] [--allow-privileged=false] FILE...

Runs the Kubernetes API server's create path (strict decoding, defaulting, conversion,
the registry strategy's PrepareForCreate and validation) and Pod Security admission on
every object of the files ("-" reads standard input), offline. One line per object:
ACCEPTED Kind/name, or REJECTED Kind/name: <the API server's messages>.
Exit status: 0 all accepted, 1 some rejected, 2 usage or unreadable input.

apicheck start --image-users FILE FILE... runs the kubelet's run-as-non-root check
instead ("apicheck start --help" says more).
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "start" {
		return runStart(args[1:], stdin, stdout, stderr)
	}
	flags := flag.NewFlagSet("apicheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, usage) }
	pss := flags.String("pss", "restricted", "Pod Security level: restricted, baseline or none (LEVEL:v1.N for an older policy version)")
	allowPrivileged := flags.Bool("allow-privileged", true,
		"kube-apiserver's --allow-privileged: whether privileged containers pass validation (true, as kubeadm and kind set it)")
	version := flags.Bool("version", false, "print the Kubernetes release apicheck embeds")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *version {
		fmt.Fprintln(stdout, versionText())
		return 0
	}
	level, err := parseLevel(*pss)
	if err != nil {
		fmt.Fprintf(stderr, "apicheck: --pss %s: %v\n", *pss, err)
		return 2
	}
	if flags.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	// What kube-apiserver's start does with its flag: Pod validation reads it from here.
	capabilities.Setup(*allowPrivileged, 0)
	// The strategies log through klog; their messages are not verdicts.
	klog.SetOutput(io.Discard)
	klog.LogToStderr(false)

	checker, err := newChecker(level)
	if err != nil {
		fmt.Fprintf(stderr, "apicheck: %v\n", err)
		return 3
	}
	out := stdout // unbuffered: a verdict and the warnings on stderr before it stay in order
	status := 0
	for _, path := range flags.Args() {
		// Each document is checked as soon as it is read, so that a program feeding standard
		// input one document at a time gets each verdict before it sends the next.
		err := eachDocument(path, stdin, func(doc document) {
			verdict, err := checker.check(doc.data)
			if err != nil {
				fmt.Fprintf(stderr, "apicheck: %s: document %d: %v\n", path, doc.index, err)
				status = 2
				return
			}
			for _, warning := range verdict.warnings {
				fmt.Fprintf(stderr, "apicheck: warning: %s: %s\n", verdict.object, warning)
			}
			if len(verdict.problems) == 0 {
				fmt.Fprintf(out, "ACCEPTED %s\n", verdict.object)
				return
			}
			fmt.Fprintf(out, "REJECTED %s: %s\n", verdict.object, oneLine(strings.Join(verdict.problems, "; ")))
			if status == 0 {
				status = 1
			}
		})
		if err != nil {
			fmt.Fprintf(stderr, "apicheck: %v\n", err)
			status = 2
		}
	}
	return status
}

// parseLevel reads --pss: a Pod Security level, optionally with a policy version, or none.
func parseLevel(value string) (*psaapi.LevelVersion, error) {
	if value == "none" {
		return nil, nil
	}
	name, ver, found := strings.Cut(value, ":")
	level, err := psaapi.ParseLevel(name)
	if err != nil {
		return nil, err
	}
	if level == psaapi.LevelPrivileged {
		return nil, nil
	}
	version := psaapi.LatestVersion()
	if found {
		if version, err = psaapi.ParseVersion(ver); err != nil {
			return nil, err
		}
	}
	return &psaapi.LevelVersion{Level: level, Version: version}, nil
}

type document struct {
	index int    // 1-based position in its file, counting empty documents too
	data  []byte // the document's YAML
}

// eachDocument calls check with each non-empty document of a YAML stream, in order. It stops
// at the first that is not YAML: the rest of the stream cannot be trusted to split right.
func eachDocument(path string, stdin io.Reader, check func(document)) error {
	var source io.Reader = stdin
	if path != "-" {
		file, err := os.Open(path)
		if err != nil {
			return err
		}
		defer file.Close()
		source = file
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(source))
	for index := 1; ; index++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		// Duplicate keys are the strict decoder's to report, so this conversion is not strict.
		data, err := yaml.YAMLToJSON(raw)
		if err != nil {
			return fmt.Errorf("%s: document %d: not YAML: %v", path, index, err)
		}
		if s := strings.TrimSpace(string(data)); s == "null" || s == "" {
			continue
		}
		check(document{index: index, data: raw})
	}
}

func oneLine(text string) string {
	return strings.Join(strings.Fields(text), " ")
}

// versionText names the Kubernetes release whose code apicheck runs, read from the build.
func versionText() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "apicheck (build information unavailable)"
	}
	versions := map[string]string{}
	for _, dep := range info.Deps {
		version := dep.Version
		if dep.Replace != nil {
			version = dep.Replace.Version
		}
		versions[dep.Path] = version
	}
	return fmt.Sprintf("apicheck: Kubernetes %s (k8s.io/kubernetes %s, k8s.io/apiserver %s, k8s.io/pod-security-admission %s; %s)",
		versions["k8s.io/kubernetes"], versions["k8s.io/kubernetes"], versions["k8s.io/apiserver"],
		versions["k8s.io/pod-security-admission"], info.GoVersion)
}
