package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// runCRIRemovePods stops and removes every pod sandbox of a CRI runtime (as `crictl rmp -af`
// does; Debian ships no crictl). Stopping a sandbox runs the CNI DEL, which frees the pod's IP
// lease, veth and network namespace: the cluster's `down` relies on it to leave nothing behind.
//
//	kube cri-remove-pods unix:///run/containerd/containerd.sock
func runCRIRemovePods(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: kube cri-remove-pods <unix:///path/to/cri.sock>")
		return 2
	}
	conn, err := grpc.NewClient(args[0], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintf(os.Stderr, "Cannot reach the CRI runtime at %s: %v\n", args[0], err)
		return 1
	}
	defer conn.Close()
	client := runtimeapi.NewRuntimeServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	list, err := client.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "Cannot list pod sandboxes at %s: %v\n", args[0], err)
		return 1
	}
	failed := 0
	for _, sandbox := range list.Items {
		name := sandbox.GetMetadata().GetNamespace() + "/" + sandbox.GetMetadata().GetName()
		if _, err := client.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: sandbox.Id}); err != nil {
			fmt.Fprintf(os.Stderr, "Cannot stop pod sandbox %s (%s): %v\n", name, sandbox.Id, err)
			failed++
			continue
		}
		if _, err := client.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sandbox.Id}); err != nil {
			fmt.Fprintf(os.Stderr, "Cannot remove pod sandbox %s (%s): %v\n", name, sandbox.Id, err)
			failed++
			continue
		}
		fmt.Printf("removed pod sandbox %s\n", name)
	}
	if failed > 0 {
		return 1
	}
	return 0
}
