#!/bin/bash
# samples/lab/uml-init.sh — PID 1 of the User-Mode Linux kernel that samples/lab/uml.sh boots: the host's root
# filesystem is the guest's root (hostfs), so the lab script and its outputs are the host's own files.
# Environment (from the kernel command line): LAB_UML_SCRIPT (the run.sh to run), LAB_UML_STATUS (host file that
# receives its exit status), LAB_UML_KEEP (host directory that receives the guest's /tmp/lab at the end).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 LAB_IN_UML=1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# The guest's own /run and /tmp (FIFOs, UNIX sockets and network namespaces live there, not on hostfs); the host's
# /tmp stays reachable at /run/host-tmp for the status file and the kept runtime directory.
mount -t tmpfs tmpfs /run
mkdir -p /run/host-tmp
mount --bind /tmp /run/host-tmp
mount -t tmpfs tmpfs /tmp
host_path() { printf '/run/host-tmp/%s' "${1#/tmp/}"; }
# Modules of the UML kernel (Debian package user-mode-linux), through a private module root for modprobe.
release=$(uname -r)
mkdir -p /run/modroot/lib/modules
ln -s "/usr/lib/uml/modules/$release" "/run/modroot/lib/modules/$release"
# sch_prio, sch_netem, cls_u32: tc netem on one class of traffic (samples/faults).
for module in ipv6 veth bridge sch_prio sch_netem cls_u32; do modprobe -d /run/modroot "$module" || echo "uml-init: modprobe $module failed" >&2; done
ip link set lo up
status=1
if [[ -n ${LAB_UML_SCRIPT:-} ]]; then
  echo "uml-init: running $LAB_UML_SCRIPT in User-Mode Linux $release" >&2
  bash "$LAB_UML_SCRIPT" </dev/null
  status=$?
fi
[[ -z ${LAB_UML_STATUS:-} ]] || echo "$status" >"$(host_path "$LAB_UML_STATUS")"
if [[ -n ${LAB_UML_KEEP:-} && -d /tmp/lab ]]; then cp -a /tmp/lab/. "$(host_path "$LAB_UML_KEEP")/" 2>/dev/null || true; fi
sync
python3 -c 'import ctypes; ctypes.CDLL(None).reboot(0x4321fedc)' # LINUX_REBOOT_CMD_POWER_OFF
