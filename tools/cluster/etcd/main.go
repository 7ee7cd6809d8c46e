// etcd, the store kube-apiserver keeps its objects in, built from its release module.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
