# shellcheck shell=bash
# samples/lab/uml.sh — run a lab script inside User-Mode Linux when this machine's kernel cannot route multicast.
#
# pimd (and the kernel multicast forwarding cache the labs dump as truth) needs CONFIG_IP_MROUTE: MRT_INIT fails
# with ENOPROTOOPT ("Protocol not available") and /proc/net/ip_mr_vif is missing on a kernel built without it.
# Then `lab_uml_reexec "$0"` boots Debian's UML kernel (package user-mode-linux, 6.1, IP_MROUTE=y, PIMSM_V2=y)
# with this machine's root filesystem as its root (hostfs), runs the same script there as PID 1's child
# (samples/lab/uml-init.sh), and exits with its status. Everything the script writes under samples/ lands in the
# host's files; the guest's /tmp/lab (runtime dir: logs, pid files) is copied to $LAB_UML_KEEP (default
# /tmp/lab-uml) at the end. Network namespaces, bridges and every process of the lab live inside the guest only.
#
#   source "$HERE/../lab/uml.sh"; lab_uml_reexec "$0"     # before lab_init
#
# Needs: apt-get install user-mode-linux kmod (modprobe for the guest's ipv6/veth/bridge modules). Memory: the guest
# gets LAB_UML_MEM (default 2G) backed by a file in /dev/shm.

lab_uml_reexec() {
  local script status_file keep rc
  script=$(readlink -f "$1")
  [[ -e /proc/net/ip_mr_vif ]] && return 0
  [[ -z ${LAB_IN_UML:-} ]] || { echo "uml.sh: no /proc/net/ip_mr_vif inside UML either" >&2; exit 1; }
  command -v linux.uml >/dev/null || { echo "uml.sh: this kernel has no multicast routing; apt-get install user-mode-linux kmod" >&2; exit 1; }
  command -v modprobe >/dev/null || { echo "uml.sh: apt-get install kmod (modprobe for the UML modules)" >&2; exit 1; }
  [[ $EUID -eq 0 ]] || { echo "uml.sh: run as root" >&2; exit 1; }
  keep=${LAB_UML_KEEP:-/tmp/lab-uml}
  status_file=$(mktemp /tmp/lab-uml-status.XXXXXX)
  rm -rf "$keep"; mkdir -p "$keep"
  echo "uml.sh: $(uname -r) has no IPv4 multicast routing; running $script in User-Mode Linux" >&2
  # con0: the guest console on our stdout (no input); quiet: kernel messages at warning level and above only.
  linux.uml "mem=${LAB_UML_MEM:-2G}" rootfstype=hostfs rootflags=/ rw quiet \
    "init=$(dirname "${BASH_SOURCE[0]}" | xargs readlink -f)/uml-init.sh" \
    "LAB_UML_SCRIPT=$script" "LAB_UML_STATUS=$status_file" "LAB_UML_KEEP=$keep" \
    con=null con0=null,fd:1 </dev/null
  rc=$(cat "$status_file" 2>/dev/null || echo 1)
  rm -f "$status_file"
  [[ -n $rc ]] || rc=1
  echo "uml.sh: guest finished with status $rc; its runtime directory is in $keep" >&2
  exit "$rc"
}
