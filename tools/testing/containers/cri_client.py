#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A tiny CRI client for tests (Debian has no crictl): runs a host-network pod with one container
through containerd's CRI plugin, or removes it. Needs Debian's python3-grpcio/-grpc-tools, so run
it with /usr/bin/python3.

  cri_client.py run SOCKET POD NAMESPACE CONTAINER IMAGE LOGDIR -- CMD...   -> prints JSON ids
  cri_client.py remove SOCKET SANDBOX_ID
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def load_stubs():
    out = tempfile.mkdtemp(prefix="ig-cri-")
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I" + HERE, "--python_out=" + out,
                    "--grpc_python_out=" + out, "cri_subset.proto"], check=True)
    sys.path.insert(0, out)
    import cri_subset_pb2 as pb  # noqa: E402
    import cri_subset_pb2_grpc as rpc  # noqa: E402
    return pb, rpc


def main():
    import grpc
    pb, rpc = load_stubs()
    cmd, sock = sys.argv[1], sys.argv[2]
    rt = rpc.RuntimeServiceStub(grpc.insecure_channel("unix://" + sock))
    if cmd == "remove":
        sid = sys.argv[3]
        rt.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=sid), timeout=30)
        rt.RemovePodSandbox(pb.RemovePodSandboxRequest(pod_sandbox_id=sid), timeout=30)
        return
    pod, ns, cname, image, logdir = sys.argv[3:8]
    command = sys.argv[sys.argv.index("--") + 1:]
    host = pb.NamespaceOption(network=pb.NODE)
    # A host-network pod must not set a hostname (runc has no UTS namespace to set it in).
    cfg = pb.PodSandboxConfig(
        metadata=pb.PodSandboxMetadata(name=pod, uid=pod + "-uid", namespace=ns),
        hostname="", log_directory=logdir, labels={"app": pod},
        linux=pb.LinuxPodSandboxConfig(
            security_context=pb.LinuxSandboxSecurityContext(namespace_options=host)))
    sid = rt.RunPodSandbox(pb.RunPodSandboxRequest(config=cfg), timeout=60).pod_sandbox_id
    cc = pb.ContainerConfig(
        metadata=pb.ContainerMetadata(name=cname), image=pb.ImageSpec(image=image),
        command=command, log_path=cname + ".log", labels={"tier": "test"},
        linux=pb.LinuxContainerConfig(
            security_context=pb.LinuxContainerSecurityContext(namespace_options=host)))
    cid = rt.CreateContainer(pb.CreateContainerRequest(pod_sandbox_id=sid, config=cc,
                                                       sandbox_config=cfg),
                             timeout=60).container_id
    rt.StartContainer(pb.StartContainerRequest(container_id=cid), timeout=60)
    print(json.dumps({"sandbox_id": sid, "container_id": cid}))


if __name__ == "__main__":
    main()
