#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Builds a busybox-static rootfs and a container image from it, offline.

The image tar holds an OCI image layout *and* a docker-save manifest.json, so `docker load`,
`ctr image import` and `podman load` all accept it.

  mkimage.py rootfs DIR
  mkimage.py image ROOTFS OUT.tar NAME:TAG ['["cmd", "arg"]']
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

BUSYBOX = "/bin/busybox"


def make_rootfs(root):
    """A minimal rootfs: busybox-static and a link per applet (never over busybox itself)."""
    for d in ("bin", "proc", "sys", "dev", "etc", "tmp", "root"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy2(BUSYBOX, os.path.join(root, "bin", "busybox"))
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for a in applets:
        link = os.path.join(root, "bin", a)
        if a != "busybox" and not os.path.lexists(link):
            os.symlink("busybox", link)
    with open(os.path.join(root, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n")
    with open(os.path.join(root, "etc", "group"), "w") as f:
        f.write("root:x:0:\n")
    return root


def _layer(root):
    """A deterministic tar of root: sorted names, mtime 0, root-owned."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                path = os.path.join(dirpath, name)
                info = tar.gettarinfo(path, arcname=os.path.relpath(path, root))
                info.mtime = 0
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                if info.isfile():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return buf.getvalue()


def make_image(root, out, ref, cmd=None):
    name, tag = ref.rsplit(":", 1)
    layer = _layer(root)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    layer_gz = gzip.compress(layer, mtime=0)
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": cmd or ["sh"], "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    }).encode()
    blobs = {}

    def blob(data):
        d = hashlib.sha256(data).hexdigest()
        blobs[d] = data
        return d

    cfg_d, layer_d = blob(config), blob(layer_gz)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + cfg_d, "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": "sha256:" + layer_d, "size": len(layer_gz)}],
    }).encode()
    man_d = blob(manifest)
    full = name if "/" in name.split("/")[0] or "." in name.split("/")[0] else "docker.io/" + name
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + man_d, "size": len(manifest),
        "annotations": {"io.containerd.image.name": full + ":" + tag,
                        "org.opencontainers.image.ref.name": tag}}]}).encode()
    docker_manifest = json.dumps([{"Config": "blobs/sha256/" + cfg_d, "RepoTags": [ref],
                                   "Layers": ["blobs/sha256/" + layer_d]}]).encode()
    with tarfile.open(out, "w") as tar:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add("index.json", index)
        add("manifest.json", docker_manifest)
        for d, data in sorted(blobs.items()):
            add("blobs/sha256/" + d, data)
    return out


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "rootfs":
        make_rootfs(sys.argv[2])
    elif len(sys.argv) >= 5 and sys.argv[1] == "image":
        make_image(sys.argv[2], sys.argv[3], sys.argv[4],
                   json.loads(sys.argv[5]) if len(sys.argv) > 5 else None)
    else:
        sys.exit(__doc__)
