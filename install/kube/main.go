// Command kube is one multi-call binary holding every program of the local test cluster, so the
// packages they share are compiled and linked once (like the former hyperkube). The program is
// chosen by the name it is called under (a symlink such as kubectl) or by its first argument:
//
//	kube kube-apiserver --etcd-servers=…      kubectl get pods      (kubectl → kube)
//
// CoreDNS is built from the same module as a separate binary (coredns/) for its image.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	_ "time/tzdata" // CronJob time zones, as in the upstream apiserver and controller-manager

	"github.com/spf13/cobra"
	"go.etcd.io/etcd/server/v3/etcdmain"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

// cobraPrograms build the command of each Kubernetes component, as its upstream main does.
var cobraPrograms = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kubelet":                 func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
	"kube-proxy":              proxy.NewProxyCommand,
}

func programNames() []string {
	names := []string{"cri-remove-pods", "etcd", "kubectl"}
	for name := range cobraPrograms {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func runKubectl() {
	logs.GlogSetter(kubectlcmd.GetLogVerbosity(os.Args)) // nolint:errcheck
	if err := cli.RunNoErrOutput(kubectlcmd.NewDefaultKubectlCommand()); err != nil {
		kubectlutil.CheckErr(err)
	}
	os.Exit(0)
}

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	if name == "kube" {
		if len(args) == 0 {
			fmt.Fprintf(os.Stderr, "usage: kube <%s> [args…]\n", strings.Join(programNames(), "|"))
			os.Exit(2)
		}
		name, args = args[0], args[1:]
	}
	// Each program reads os.Args as if it had been started directly.
	os.Args = append([]string{name}, args...)
	switch name {
	case "etcd":
		etcdmain.Main(os.Args)
	case "cri-remove-pods":
		os.Exit(runCRIRemovePods(args))
	case "kubectl":
		runKubectl()
	default:
		build, ok := cobraPrograms[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "Cannot run %q: this binary holds %s\n", name, strings.Join(programNames(), ", "))
			os.Exit(2)
		}
		os.Exit(cli.Run(build()))
	}
}
