package main

// apicheck start: the check the kubelet makes on a Linux node before it starts a container
// whose security context asks for runAsNonRoot, on every container of every Pod and Pod
// template. The API server and Pod Security admission accept such a container whatever its
// image's user is; the kubelet then looks at the image and refuses, and the Pod stays in
// CreateContainerConfigError. What the image's user is comes from a file, since apicheck
// reads no image.
//
//	apicheck start --image-users FILE FILE...   (- reads standard input)
//
// One line per container, init containers (native sidecars among them) first, as the
// kubelet starts them: "STARTS Kind/name/container: why" or "REFUSED Kind/name/container:
// the kubelet's message". Objects with no Pod (Service, ConfigMap, PersistentVolumeClaim)
// get no line. Exit status: 0 every container starts, 1 some are refused, 2 usage or input
// it cannot read.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/validation"
	psaadmission "k8s.io/pod-security-admission/admission"

	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/kubelet/util/format"
	"k8s.io/kubernetes/pkg/securitycontext"
)

const startUsage = `usage: apicheck start --image-users FILE FILE...

Runs the kubelet's run-as-non-root check on every container of every Pod and Pod
template of the files ("-" reads standard input), init containers first: the effective
security context (upstream's securitycontext.DetermineEffectiveSecurityContext), then
the kubelet's rule, with each image's user read from --image-users, a JSON object that
maps an image, as the manifest writes it, or its repository without tag or digest, to
the user its image configuration names ("0", "101", "101:101", "nginx", or "" for none,
which runs as root). One line per container:
STARTS Kind/name/container: why, or REFUSED Kind/name/container: the kubelet's message.
Exit status: 0 every container starts, 1 some are refused, 2 usage or unreadable input.
`

func runStart(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("apicheck start", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, startUsage) }
	usersPath := flags.String("image-users", "", "JSON file: image (or repository) -> the user its image configuration names")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *usersPath == "" || flags.NArg() == 0 {
		fmt.Fprint(stderr, startUsage)
		return 2
	}
	users, err := readImageUsers(*usersPath)
	if err != nil {
		fmt.Fprintf(stderr, "apicheck start: --image-users %s: %v\n", *usersPath, err)
		return 2
	}
	checker := newStartChecker(users)
	status := 0
	for _, path := range flags.Args() {
		err := eachDocument(path, stdin, func(doc document) {
			verdicts, err := checker.check(doc.data)
			if err != nil {
				fmt.Fprintf(stderr, "apicheck start: %s: document %d: %v\n", path, doc.index, err)
				status = 2
				return
			}
			for _, v := range verdicts {
				word := "STARTS"
				if !v.starts {
					word = "REFUSED"
					if status == 0 {
						status = 1
					}
				}
				fmt.Fprintf(stdout, "%s %s/%s: %s\n", word, v.object, v.container, oneLine(v.reason))
			}
		})
		if err != nil {
			fmt.Fprintf(stderr, "apicheck start: %v\n", err)
			status = 2
		}
	}
	return status
}

// imageUsers is what --image-users says: the user each image's configuration names.
type imageUsers struct {
	path  string
	users map[string]string
}

func readImageUsers(path string) (*imageUsers, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not a JSON object of image -> user: %v", err)
	}
	if raw == nil {
		return nil, errors.New("not a JSON object of image -> user: null")
	}
	users := make(map[string]string, len(raw))
	for image, value := range raw {
		var user string
		if err := json.Unmarshal(value, &user); err != nil {
			// A bare number is the numeric user a person meant: 101 is "101".
			var uid int64
			if json.Unmarshal(value, &uid) != nil {
				return nil, fmt.Errorf("%q: the user must be a string or a whole number, not %s", image, value)
			}
			user = strconv.FormatInt(uid, 10)
		}
		users[image] = user
	}
	return &imageUsers{path: path, users: users}, nil
}

// lookup finds an image's user: under the image as written, else under its repository (the
// reference without its tag and digest), so that one entry covers every tag of an image.
func (u *imageUsers) lookup(image string) (string, bool) {
	if user, ok := u.users[image]; ok {
		return user, true
	}
	user, ok := u.users[repository(image)]
	return user, ok
}

// repository is an image reference without its digest and tag: a tag is what follows the
// last colon after the last slash (a colon before it belongs to a registry's port).
func repository(image string) string {
	if at := strings.Index(image, "@"); at >= 0 {
		image = image[:at]
	}
	if colon := strings.LastIndex(image, ":"); colon > strings.LastIndex(image, "/") {
		image = image[:colon]
	}
	return image
}

// imageUser is the user the kubelet takes an image to run as, from its configuration's User
// field. The container runtime tells the kubelet a numeric uid or a user name (CRI
// ImageStatus): the runtimes' getUserFromImage (containerd's
// internal/cri/server/images/image_status.go, CRI-O's server/image_status.go) keep the part
// before a colon, a number as the uid and anything else as a name. The kubelet's getImageUser
// (pkg/kubelet/kuberuntime/helpers.go) takes an image that names neither as root.
func imageUser(user string) (uid *int64, username string) {
	if user != "" {
		name, _, _ := strings.Cut(user, ":")
		if id, err := strconv.ParseInt(name, 10, 64); err == nil {
			return &id, ""
		}
		if name != "" {
			return nil, name
		}
	}
	return new(int64), ""
}

// verifyRunAsNonRoot is the kubelet's check on a Linux node, statement for statement and with
// its messages: k8s.io/kubernetes/pkg/kubelet/kuberuntime/security_context_others.go at the
// release apicheck embeds (see --version), called from generateContainerConfig in
// kuberuntime_container.go with the image's user from getImageUser. It is unexported there,
// and importing its package (the kubelet's container runtime manager) would bring the
// scheduler, cAdvisor and the CRI clients into apicheck for thirty lines, so it is written
// again here, the same text (tests/apicheck/test_kubelet_start.py compares it with upstream's); the
// effective security context it starts from is upstream's own function.
func verifyRunAsNonRoot(ctx context.Context, pod *v1.Pod, container *v1.Container, uid *int64, username string) error {
	effectiveSc := securitycontext.DetermineEffectiveSecurityContext(pod, container)
	// If the option is not set, or if running as root is allowed, return nil.
	if effectiveSc == nil || effectiveSc.RunAsNonRoot == nil || !*effectiveSc.RunAsNonRoot {
		return nil
	}

	if effectiveSc.RunAsUser != nil {
		if *effectiveSc.RunAsUser == 0 {
			return fmt.Errorf("container's runAsUser breaks non-root policy (pod: %q, container: %s)", format.Pod(pod), container.Name)
		}
		return nil
	}

	switch {
	case uid == nil && len(username) > 0:
		return fmt.Errorf("container has runAsNonRoot and image has non-numeric user (%s), cannot verify user is non-root (pod: %q, container: %s)", username, format.Pod(pod), container.Name)
	case uid != nil:
		if *uid == 0 {
			return fmt.Errorf("container has runAsNonRoot and image will run as root (pod: %q, container: %s)", format.Pod(pod), container.Name)
		}
		if errs := validation.IsValidUserID(*uid); len(errs) > 0 {
			return fmt.Errorf(
				"container has runAsNonRoot and image has an invalid user id (%d). (Must be 1-(%d)): %s (pod: %q, container: %s)",
				*uid,
				math.MaxInt32,
				strings.Join(errs, "; "),
				format.Pod(pod),
				container.Name,
			)
		}
		return nil
	default:
		return nil
	}
}

type startChecker struct {
	decoder   runtime.Decoder
	users     *imageUsers
	extractor psaadmission.DefaultPodSpecExtractor
}

// startVerdict is the kubelet's answer for one container.
type startVerdict struct {
	object    string // Kind/name
	container string
	starts    bool
	reason    string // why it starts (our words), or the kubelet's refusal
}

func newStartChecker(users *imageUsers) *startChecker {
	scheme := legacyscheme.Scheme
	// Not strict: the kubelet sees what the API server stored, and fields the API server would
	// refuse are the create check's to report (apicheck without "start").
	decoder := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
		kjson.SerializerOptions{Yaml: true})
	return &startChecker{decoder: decoder, users: users}
}

// check answers for each container of one object's Pod; an error is input it cannot check.
func (c *startChecker) check(data []byte) ([]startVerdict, error) {
	head, _, _, err := readHead(data)
	if err != nil {
		return nil, err
	}
	versioned, _, err := c.decoder.Decode(data, nil, nil)
	if err != nil {
		return nil, err
	}
	legacyscheme.Scheme.Default(versioned)
	metadata, spec, err := c.extractor.ExtractPodSpec(versioned)
	if err != nil || spec == nil {
		return nil, nil // no Pod: a Service, a ConfigMap, a PersistentVolumeClaim
	}

	name := head.name()
	object := head.Kind + "/" + name
	// The Pod the kubelet is given. A controller's Pods are named when they are made; the
	// kubelet's messages name this one <controller>-*.
	pod := &v1.Pod{ObjectMeta: *metadata.DeepCopy(), Spec: *spec}
	pod.Name = name
	if head.Kind != "Pod" {
		pod.Name = strings.TrimSuffix(name, "*") + "-*"
	}
	pod.Namespace = head.Metadata.Namespace
	if pod.Namespace == "" {
		pod.Namespace = metav1.NamespaceDefault
	}

	var verdicts []startVerdict
	for _, containers := range [][]v1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range containers {
			verdict := c.start(pod, &containers[i])
			verdict.object = object
			verdicts = append(verdicts, verdict)
		}
	}
	return verdicts, nil
}

// start is the kubelet's decision on one container: refused with its message, or started.
func (c *startChecker) start(pod *v1.Pod, container *v1.Container) startVerdict {
	v := startVerdict{container: container.Name}
	sc := securitycontext.DetermineEffectiveSecurityContext(pod, container)
	nonRoot := sc != nil && sc.RunAsNonRoot != nil && *sc.RunAsNonRoot
	var uid *int64
	var username, user string
	if nonRoot && sc.RunAsUser == nil {
		// Only then does the kubelet's answer depend on the image.
		var known bool
		if user, known = c.users.lookup(container.Image); !known {
			v.reason = fmt.Sprintf("the user of image %q is unknown (not in %s), and with runAsNonRoot and no "+
				"runAsUser the kubelet starts the container only if the image's user is numeric and not 0",
				container.Image, c.users.path)
			return v
		}
		uid, username = imageUser(user)
	}
	if err := verifyRunAsNonRoot(context.Background(), pod, container, uid, username); err != nil {
		v.reason = err.Error()
		return v
	}
	v.starts = true
	switch {
	case !nonRoot:
		v.reason = "runAsNonRoot is not true, so the kubelet does not check the user"
	case sc.RunAsUser != nil:
		v.reason = fmt.Sprintf("runAsNonRoot with runAsUser %d", *sc.RunAsUser)
	default:
		v.reason = fmt.Sprintf("runAsNonRoot, and image %q runs as user %q", container.Image, user)
	}
	return v
}
