// imageref reads image references, one a line on standard input, and parses each as the
// kubelet does (github.com/distribution/reference, ParseNormalizedNamed: the grammar, the
// Docker Hub normalisation, the lower-case rule, and the digest check of go-digest). It
// prints one line per reference: "OK <repository> <tag> <digest>" (each "-" when absent;
// the repository as written, without docker.io added) or "ERR <message>". The tests of
// advisor/domain/image_reference.py compare the Python parser with it.
package main

import (
	"bufio"
	_ "crypto/sha256" // the digest algorithms go-digest checks are those linked in, as in the kubelet
	_ "crypto/sha512"
	"fmt"
	"os"
	"strings"

	"github.com/distribution/reference"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		text := in.Text()
		named, err := reference.ParseNormalizedNamed(text)
		if err != nil {
			fmt.Fprintf(out, "ERR %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		tag, digest := "-", "-"
		if tagged, ok := named.(reference.Tagged); ok {
			tag = tagged.Tag()
		}
		if digested, ok := named.(reference.Digested); ok {
			digest = digested.Digest().String()
		}
		fmt.Fprintf(out, "OK %s %s %s\n", reference.FamiliarName(named), tag, digest)
	}
}
