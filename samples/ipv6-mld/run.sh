#!/usr/bin/env bash
# samples/ipv6-mld/run.sh — MLD on one IPv6 LAN: two queriers of our own (samples/lab/mld-querier.py; Debian's FRR
# has no pim6d) elect the lowest address, MLDv1 and MLDv2 listeners join and leave any-source and source-specific
# groups while a sender streams IPv6 multicast, the querier stops and the other takes over, then the first comes back
# sending MLDv1 queries and the MLDv2 hosts fall back to MLDv1. Topology, timeline, what to look for: README.md.
# Runs in about 3 minutes, as root; regenerates every output.
#
#   lan-v6 (fd00:6::/64): Q1 fe80::1 (querier), Q2 fe80::2 (querier, higher address), S1 fd00:6::10 (sender),
#                         H1 (MLDv1 host), H2, H3 (MLDv2 hosts)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lab/lib.sh
source "$HERE/../lab/lib.sh"
LAB_VTYSH_CMDS=() # the queriers are not FRR: their truth is their own state dump ("queriers" in each checkpoint)
LAB_GZIP_ABOVE=100000 # captures committed gzipped

GROUP_ASM=ff15::101      # transient, site scope: the sender streams to it
GROUP_ASM_QUIET=ff05::202 # site scope, joined by the MLDv1 host only, no traffic
GROUP_SSM=ff3e::8000:1   # SSM range ff3x::/32 (RFC 4607)
SOURCE=fd00:6::10
ABSENT_SOURCE=fd00:6::99 # a source nobody sends from
QUERIER_TIMERS=(--query-interval 20 --response-interval 5 --robustness 2 --last-listener-interval 1)

# querier_start NODE ARGS... — run mld-querier.py on NODE's eth0; its log (one JSON line per query sent, record heard
# and role change) is kept as truth/querier-NODE.jsonl.
querier_start() {
  local node=$1
  shift
  lab_event "$node" start-router "detail=mld-querier.py ${QUERIER_TIMERS[*]} $*"
  ip netns exec "$(lab_ns "$node")" /usr/bin/python3 "$LAB_LIB_DIR/mld-querier.py" --iface eth0 --state "$LAB_RUN/nodes/$node/querier.json" \
    "${QUERIER_TIMERS[@]}" "$@" >>"$LAB_OUT/truth/querier-$node.jsonl" 2>>"$LAB_RUN/nodes/$node/querier.err" &
  echo $! >"$LAB_RUN/nodes/$node/querier.pid"
}

querier_stop() {
  local node=$1 pidfile="$LAB_RUN/nodes/$1/querier.pid"
  lab_event "$node" stop-router "detail=mld-querier.py stopped (SIGTERM; MLD has no goodbye)"
  kill -TERM "$(cat "$pidfile")"
  wait "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

# lab_finish stops every router through lab_frr_stop; here a router is an mld-querier.py process, and one already
# stopped is left alone (no second stop-router event).
lab_frr_stop() {
  [[ ! -e $LAB_RUN/nodes/$1/querier.pid ]] || querier_stop "$1"
}

# mld_checkpoint NN LABEL — lab_checkpoint (hosts' /proc/net/igmp6 and mcfilter6), plus every running querier's
# state dump (SIGUSR1) under "queriers"; a stopped querier is null.
mld_checkpoint() {
  local nn node pidfile tries
  nn=$(printf '%02d' "$1")
  for node in Q1 Q2; do
    rm -f "$LAB_RUN/nodes/$node/querier.json"
    pidfile="$LAB_RUN/nodes/$node/querier.pid"
    [[ -e $pidfile ]] && kill -USR1 "$(cat "$pidfile")"
  done
  lab_checkpoint "$@"
  for node in Q1 Q2; do
    tries=0
    while [[ -e $LAB_RUN/nodes/$node/querier.pid && ! -e $LAB_RUN/nodes/$node/querier.json ]] && (( ++tries < 30 )); do
      sleep 0.1
    done
  done
  python3 - "$LAB_OUT/truth/checkpoint-$nn.json" "$LAB_RUN/nodes/Q1/querier.json" "$LAB_RUN/nodes/Q2/querier.json" <<'PY'
import json, os, sys
path, *dumps = sys.argv[1:]
with open(path) as f:
    doc = json.load(f)
queriers = {}
for name, dump in zip(('Q1', 'Q2'), dumps):
    queriers[name] = json.load(open(dump)) if os.path.exists(dump) else None
doc['queriers'] = queriers
with open(path, 'w') as f:
    json.dump(doc, f, indent=1)
    f.write('\n')
PY
}

# set_mld_version HOST 1 — pin a host to MLDv1 (Linux force_mld_version), recorded as a config event.
set_mld_version() {
  lab_event "$1" set-config "detail=net.ipv6.conf.eth0.force_mld_version=$2 (MLDv$2 host)"
  lab_exec "$1" sysctl -qw "net.ipv6.conf.eth0.force_mld_version=$2"
}

lab_init ipv6-mld

lab_node Q1 router
lab_node Q2 router
lab_node S1 sender
for host in H1 H2 H3; do lab_node "$host" host; done
# Queriers get fixed link-local addresses (no EUI-64 one) so the election result is known: fe80::1 < fe80::2.
for node in Q1 Q2; do lab_exec "$node" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1; done

lab_link lan-v6 lan
lab_attach Q1 eth0 lan-v6 fe80::1/64 fd00:6::1/64
lab_attach Q2 eth0 lan-v6 fe80::2/64 fd00:6::2/64
lab_attach S1 eth0 lan-v6 fd00:6::10/64
lab_attach H1 eth0 lan-v6 fd00:6::11/64
lab_attach H2 eth0 lan-v6 fd00:6::12/64
lab_attach H3 eth0 lan-v6 fd00:6::13/64

lab_capture_start
lab_topology '{"note":"no PIM and no RP: IPv6 multicast is not routed here; MLD queriers Q1 (fe80::1) and Q2 (fe80::2)"}'

set_mld_version H1 1
starters=()
for host in H1 H2 H3; do lab_member_start "$host" & starters+=($!); done
wait "${starters[@]}"
querier_start Q1
querier_start Q2
lab_wait 6 "startup queries; Q2 hears Q1's lower address and stops querying"

lab_sender_start asm S1 --group "$GROUP_ASM" --port 5001 --pps 8 --size 100 --ttl 8 --iface eth0 --bind "$SOURCE"
lab_sender_start ssm S1 --group "$GROUP_SSM" --port 5002 --pps 4 --size 100 --ttl 8 --iface eth0 --bind "$SOURCE"
lab_wait 2

lab_member H1 join "$GROUP_ASM" ::%eth0
lab_member H1 join "$GROUP_ASM_QUIET" ::%eth0
lab_member H2 join "$GROUP_ASM" ::%eth0
lab_member H3 join-source "$SOURCE" "$GROUP_SSM" ::%eth0
lab_member H3 join-source "$ABSENT_SOURCE" "$GROUP_SSM" ::%eth0
lab_wait 22 "a general query round answered by every listener"
mld_checkpoint 1 "MLDv1 and MLDv2 listeners joined, Q1 querier"

# MLDv2 TO_IN({}) while an MLDv1 listener stays -> address-specific query; BLOCK of one source -> source-specific query.
lab_member H2 leave "$GROUP_ASM" ::%eth0
lab_wait 2
lab_member H3 leave-source "$ABSENT_SOURCE" "$GROUP_SSM" ::%eth0
lab_wait 2
# MLDv1 Done for the last listener -> address-specific queries, then the address expires.
lab_member H1 leave "$GROUP_ASM_QUIET" ::%eth0
lab_wait 8 "last listener queries"
mld_checkpoint 2 "MLDv2 leave, one source blocked, MLDv1 Done"

# Q1 goes silent; Q2 takes over after the Other Querier Present Interval (2*20 + 5/2 = 42.5 s after Q1's last query).
querier_stop Q1
lab_wait 50 "other querier present interval"
mld_checkpoint 3 "Q1 stopped, Q2 took over"

# Q1 returns sending MLDv1 queries: lowest address wins again, MLDv2 hosts switch to MLDv1 compatibility.
querier_start Q1 --mld-version 1
lab_wait 8 "Q1 wins again with MLDv1 queries"
lab_member H2 join "$GROUP_ASM" ::%eth0
lab_member H3 leave-source "$SOURCE" "$GROUP_SSM" ::%eth0
lab_wait 20 "MLDv1 reports from MLDv2 hosts in compatibility mode"
mld_checkpoint 4 "Q1 back with MLDv1 queries, hosts in MLDv1 compatibility mode"

lab_sender_stop asm
lab_sender_stop ssm
# Both listeners of GROUP_ASM leave: an MLDv1 host sends Done only if it sent the last report (RFC 2710 §4), so one
# Done appears, then MLDv1 address-specific queries, then the address expires.
lab_member H1 leave "$GROUP_ASM" ::%eth0
lab_member H2 leave "$GROUP_ASM" ::%eth0
lab_wait 10 "last listener queries after the Done"
mld_checkpoint 5 "senders stopped, every listener left"

lab_finish
