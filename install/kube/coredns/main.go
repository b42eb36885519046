// Command coredns is CoreDNS built with only the plugins the local cluster DNS uses, so the cloud
// back-ends (route53, azure, clouddns, …) are not compiled in. It shares go.mod with the kube
// binary, so its dependencies are the versions Kubernetes v1.34.4 is built with.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

// directives is the upstream plugin order (plugin.cfg) restricted to the plugins above.
var directives = []string{
	"reload", "ready", "health", "errors", "log", "loadbalance", "cache", "kubernetes", "loop",
	"forward",
}

func main() {
	dnsserver.Directives = directives
	coremain.Run()
}
