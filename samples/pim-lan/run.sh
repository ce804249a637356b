#!/usr/bin/env bash
# samples/pim-lan/run.sh — PIM on shared LANs: DR election (priority change, goodbye, neighbor expiry), IGMP querier
# election and takeover, PIM Assert between two forwarders, SSM (S,G) join/leave, IGMPv1/v2/v3 hosts side by side.
# Topology, timeline and what to look for: README.md. Runs in about 4 minutes, as root; regenerates every output.
#
#   S1 10.0.0.10 --- lan-src 10.0.0.0/24 --- R0 .1 (first-hop router, DR of lan-src)
#   R0 .9, R1 .1, R2 .2 (RP 10.255.0.2 on lo) --- lan-up 10.0.4.0/24
#   R1 .1, R2 .2, R3 .3, R4 .4 --- lan-mid 10.0.1.0/24 (R3's RPF to S via R1, R4's via R2: Assert)
#   R3 .3, R4 .4, H1 .11 (IGMPv2), H2 .12 (v3), H3 .13 (v3) --- lan-rcv 10.0.2.0/24
#   R3 .3, H4 .14 (IGMPv2), H5 .15 (IGMPv1) --- lan-r3 10.0.3.0/24 (R3 runs IGMPv2 there)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lab/lib.sh
source "$HERE/../lab/lib.sh"

# Not dumped: 'show ip pim interface detail json' — on a first-hop router (DR of the source's LAN, with (S,G) FHR
# state) FRR 8.4's pimd corrupts its heap answering it and dies (SIGSEGV in buffer_flush_available/free) at the next
# vty close: in all 12 runs that dumped it, in none of the runs without it.
LAB_VTYSH_CMDS+=('show ip pim neighbor detail json')

LAB_GZIP_ABOVE=100000 # five links of data: every capture is committed gzipped

GROUP_ASM=239.1.1.1
GROUP_ASM_V2=239.1.1.2 # the IGMPv2 host of lan-r3 alone: its Leave is sent (see the leave phase)
GROUP_SSM=232.1.1.1
SOURCE=10.0.0.10

# set_igmp_version HOST VERSION — pin a host's IGMP version (Linux force_igmp_version), recorded as a config event.
set_igmp_version() {
  local host=$1 version=$2
  lab_event "$host" set-config "detail=net.ipv4.conf.eth0.force_igmp_version=$version (IGMPv$version host)"
  lab_exec "$host" sysctl -qw "net.ipv4.conf.eth0.force_igmp_version=$version"
}

# lab_finish stops every router with lab_frr_stop; a router whose daemons are all gone already (stopped mid-run and
# forgotten below) is skipped, so events.jsonl records each stop once.
eval "$(declare -f lab_frr_stop | sed '1s/^lab_frr_stop /lab_frr_stop_daemons /')"
lab_frr_stop() {
  compgen -G "$LAB_RUN/nodes/$1/frr/*.pid" >/dev/null || return 0
  lab_frr_stop_daemons "$1"
}

# frr_stop_for_good ROUTER — lab_frr_stop, then wait for the daemons to exit and forget their pid files.
frr_stop_for_good() {
  local pidfile tries=0
  lab_frr_stop "$1"
  for pidfile in "$LAB_RUN/nodes/$1/frr"/*.pid; do
    while kill -0 "$(cat "$pidfile")" 2>/dev/null && (( ++tries < 50 )); do sleep 0.1; done
    rm -f "$pidfile"
  done
}

# kill_pimd ROUTER — SIGKILL the router's pimd so it sends no goodbye: its neighbors expire after the holdtime.
kill_pimd() {
  local node=$1 pidfile="$LAB_RUN/nodes/$1/frr/pimd.pid"
  lab_event "$node" stop-router "detail=pimd killed (SIGKILL): no goodbye, neighbors time out after the 35 s holdtime"
  kill -KILL "$(cat "$pidfile")"
  rm -f "$pidfile"
}

lab_init pim-lan

lab_node R0 router 10.255.0.9
lab_node R1 router 10.255.0.1
lab_node R2 router 10.255.0.2
lab_node R3 router 10.255.0.3
lab_node R4 router 10.255.0.4
lab_node S1 sender
for host in H1 H2 H3 H4 H5; do lab_node "$host" host; done

lab_link lan-src lan
lab_link lan-up lan
lab_link lan-mid lan
lab_link lan-rcv lan
lab_link lan-r3 lan

lab_attach S1 eth0 lan-src 10.0.0.10/24
lab_attach R0 eth0 lan-src 10.0.0.1/24
lab_attach R0 eth1 lan-up 10.0.4.9/24
lab_attach R1 eth0 lan-up 10.0.4.1/24
lab_attach R2 eth0 lan-up 10.0.4.2/24
lab_attach R1 eth1 lan-mid 10.0.1.1/24
lab_attach R2 eth1 lan-mid 10.0.1.2/24
lab_attach R3 eth0 lan-mid 10.0.1.3/24
lab_attach R4 eth0 lan-mid 10.0.1.4/24
lab_attach R3 eth1 lan-rcv 10.0.2.3/24
lab_attach R4 eth1 lan-rcv 10.0.2.4/24
lab_attach H1 eth0 lan-rcv 10.0.2.11/24
lab_attach H2 eth0 lan-rcv 10.0.2.12/24
lab_attach H3 eth0 lan-rcv 10.0.2.13/24
lab_attach R3 eth2 lan-r3 10.0.3.3/24
lab_attach H4 eth0 lan-r3 10.0.3.14/24
lab_attach H5 eth0 lan-r3 10.0.3.15/24

lab_route S1 default via 10.0.0.1
for host in H1 H2 H3; do lab_route "$host" default via 10.0.2.3; done
for host in H4 H5; do lab_route "$host" default via 10.0.3.3; done

lab_capture_start
lab_topology '{"address":"10.255.0.2","node":"R2","groups":"239.0.0.0/8","source":"static","ssmRange":"232.0.0.0/8"}'

set_igmp_version H1 2
set_igmp_version H4 2
set_igmp_version H5 1
for router in R0 R1 R2 R3 R4; do lab_frr_start "$router" "$HERE/frr/$router"; done
starters=()
for host in H1 H2 H3 H4 H5; do lab_member_start "$host" & starters+=($!); done
wait "${starters[@]}"
lab_wait 12 "PIM neighbors, DR elections, IGMP startup queries"
lab_checkpoint 1 "routers up: PIM neighbors and DRs, IGMP queriers, no receivers, no data"

# Data with nobody listening yet: R0 (DR of lan-src) registers to the RP (R2), which answers Register-Stop.
lab_sender_start asm S1 --group "$GROUP_ASM" --port 5001 --pps 5 --size 100 --ttl 16 --bind "$SOURCE"
lab_sender_start ssm S1 --group "$GROUP_SSM" --port 5002 --pps 3 --size 100 --ttl 16 --bind "$SOURCE"
lab_wait 3

# ASM receivers: IGMPv2 and IGMPv3 hosts on lan-rcv, IGMPv2 and IGMPv1 hosts on lan-r3.
lab_member H1 join "$GROUP_ASM"
lab_member H2 join "$GROUP_ASM"
lab_member H4 join "$GROUP_ASM"
lab_member H4 join "$GROUP_ASM_V2"
lab_member H5 join "$GROUP_ASM"
lab_wait 20 "(*,G) joins to the RP, SPT switchover, Assert on lan-mid between R1 and R2"
lab_checkpoint 2 "ASM receivers joined: shared tree, SPT, assert on lan-mid"

# SSM: an IGMPv3 INCLUDE join, (S,G) join from the DR of lan-rcv (R4) towards R2, no RP.
lab_member H2 join-source "$SOURCE" "$GROUP_SSM"
lab_member H3 join "$GROUP_ASM"
lab_wait 18 "SSM (S,G) join, a third ASM member"
lab_checkpoint 3 "SSM channel joined, three ASM members on lan-rcv"

# Leaves an IGMPv3 querier answers with specific queries: BLOCK -> group-and-source query, TO_IN({}) -> group query.
lab_member H2 leave-source "$SOURCE" "$GROUP_SSM"
lab_member H3 leave "$GROUP_ASM"
lab_wait 10 "group-and-source-specific and group-specific queries from R3"
lab_checkpoint 4 "SSM channel left, one IGMPv3 member left"

# DR election on lan-mid: R4 (30) lowers its priority to 1, R2 (20) becomes DR.
lab_frr_config R4 "lan-mid (eth0) DR priority 30 -> 1: R2 becomes DR of lan-mid" 'interface eth0' 'ip pim drpriority 1'
lab_wait 2
# IGMPv2 leaves: H1 on lan-rcv (H2 stays). H4 on lan-r3 leaves GROUP_ASM silently (an IGMPv2 host sends Leave only
# if it sent the last report, and H5's IGMPv1 reports suppress H4's), then GROUP_ASM_V2 with a Leave: IGMPv2
# group-specific queries.
lab_member H1 leave "$GROUP_ASM"
lab_member H4 leave "$GROUP_ASM"
lab_member H4 leave "$GROUP_ASM_V2"
lab_wait 12 "IGMPv2 Leave, group-specific queries"
lab_checkpoint 5 "DR priority change on lan-mid, IGMPv2 leaves"

# R1's pimd dies without a goodbye (it expires after the 35 s holdtime; the DR of lan-up moves from R1 to R0); R3 stops
# cleanly (goodbye on three LANs; R4 takes over as IGMP querier of lan-rcv after the other-querier-present interval,
# 2*20 + 5/2 = 42.5 s after R3's last query).
kill_pimd R1
lab_wait 2
frr_stop_for_good R3
lab_wait 46 "neighbor expiry of R1, IGMP querier takeover by R4 on lan-rcv"
lab_checkpoint 6 "R1 pimd killed (expired), R3 stopped (goodbye), R4 querier of lan-rcv"

lab_sender_stop asm
lab_sender_stop ssm
lab_wait 75 "keepalive timers (40 s, checked every 31 s) run out on the first-hop router"
lab_checkpoint 7 "senders stopped: keepalive expired on R0, (S,G) joins still held downstream"

lab_finish
