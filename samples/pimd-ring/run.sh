#!/usr/bin/env bash
# samples/pimd-ring/run.sh — a second-vendor lab: five troglobit pimd 2.3.2 routers (Debian package pimd), static
# unicast routes on a ring, RP elected through BSR (RFC 5059), a LAN whose DR and IGMP querier differ, IGMPv2 and
# IGMPv3 hosts (EXCLUDE with a source, TO_IN {}), an ASM group with two senders, an SSM channel, MLDv2 listeners
# with IPv6 data on one LAN (pimd is IPv4 only: samples/lab/mld-querier.py queries MLD), a unicast route change that
# moves a source tree to the other side of the ring, a sender that stops (its kernel cache entry is flushed while
# pimd keeps the route), a DR that goes away. Topology, timeline, what to look for: README.md.
# Runs in about 7 minutes, as root (5.5 minutes of scenario, the rest is setting up 14 namespaces and counting with
# tshark inside the guest); regenerates every output. On a kernel without IPv4 multicast routing (this machine's) it
# runs itself inside User-Mode Linux (samples/lab/uml.sh).
#
#   S1 10.1.0.10 -- lan-src -- R1 -- r1-r2 -- R2 -- lan-src2 -- S2 10.2.0.20
#                               |              |
#                             r1-r4          r2-r3
#                               |              |
#          H4, H3 -- lan-rcv2 -- R4 -- r3-r4 -- R3 (querier of lan-rcv)
#                               |              |
#                             r4-r5          lan-rcv -- H1 (IGMPv2), H2 (IGMPv3, MLDv2), S3 (IPv6 sender)
#                               |              |
#                               R5 (DR of lan-rcv) -----+
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lab/uml.sh
source "$HERE/../lab/uml.sh"
lab_uml_reexec "$0"
# shellcheck source=../lab/lib.sh
source "$HERE/../lab/lib.sh"
# shellcheck source=../lab/pimd.sh
source "$HERE/../lab/pimd.sh"

LAB_GZIP_ABOVE=100000

G1=239.1.1.1      # ASM, two senders (S1 and S2)
G2=239.2.2.2      # ASM, no sender: a (*,G) tree to the RP and nothing else
G_SSM=232.1.1.1   # SSM (pimd's fixed 232/8), from S1
S1_ADDR=10.1.0.10
S2_ADDR=10.2.0.20
V6_ASM=ff15::101          # IPv6 data on lan-rcv only (no PIMv6 anywhere)
V6_SSM=ff3e::8000:1
S3_ADDR6=fd00:3::30
RP=10.0.34.4              # R4 eth0, the elected RP
BSR=10.0.12.2             # R2 eth1, the elected BSR

# route_change NODE PREFIX OLD_GW NEW_GW WHY — replace a static route, recorded as a config event.
route_change() {
  local node=$1 prefix=$2 old=$3 new=$4 why=$5
  lab_event "$node" set-config "detail=ip route replace $prefix via $new (was via $old): $why"
  lab_exec "$node" ip route replace "$prefix" via "$new"
}

lab_init pimd-ring

for n in 1 2 3 4 5; do lab_node "R$n" router; done
lab_node S1 sender
lab_node S2 sender
lab_node S3 sender
for h in H1 H2 H3 H4; do lab_node "$h" host; done

lab_link lan-src lan
lab_link lan-src2 lan
lab_link r1-r2 p2p
lab_link r2-r3 p2p
lab_link r3-r4 p2p
lab_link r1-r4 p2p
lab_link r4-r5 p2p
lab_link lan-rcv lan
lab_link lan-rcv2 lan
lab_capture_start

lab_attach R1 eth0 lan-src 10.1.0.1/24
lab_attach R1 eth1 r1-r2 10.0.12.1/24
lab_attach R1 eth2 r1-r4 10.0.14.1/24
lab_attach R2 eth0 lan-src2 10.2.0.1/24
lab_attach R2 eth1 r1-r2 10.0.12.2/24
lab_attach R2 eth2 r2-r3 10.0.23.2/24
lab_attach R3 eth0 r2-r3 10.0.23.3/24
lab_attach R3 eth1 r3-r4 10.0.34.3/24
lab_attach R3 eth2 lan-rcv 10.3.0.1/24
lab_attach R4 eth0 r3-r4 10.0.34.4/24
lab_attach R4 eth1 r1-r4 10.0.14.4/24
lab_attach R4 eth2 r4-r5 10.0.45.4/24
lab_attach R4 eth3 lan-rcv2 10.4.0.1/24
lab_attach R5 eth0 r4-r5 10.0.45.5/24
lab_attach R5 eth1 lan-rcv 10.3.0.2/24
lab_attach S1 eth0 lan-src "$S1_ADDR/24"
lab_attach S2 eth0 lan-src2 "$S2_ADDR/24"
lab_attach S3 eth0 lan-rcv 10.3.0.30/24 "$S3_ADDR6/64"
lab_attach H1 eth0 lan-rcv 10.3.0.11/24 fd00:3::11/64
lab_attach H2 eth0 lan-rcv 10.3.0.12/24 fd00:3::12/64
lab_attach H3 eth0 lan-rcv2 10.4.0.13/24
lab_attach H4 eth0 lan-rcv2 10.4.0.14/24

# Static unicast routes (no OSPF: nothing on the wire says which interfaces belong to one router). Every router
# reaches every subnet along one definite path; on the ring R1-R2-R3-R4 the two paths to a subnet two hops away are
# chosen explicitly.
lab_route S1 default via 10.1.0.1
lab_route S2 default via 10.2.0.1
lab_route S3 default via 10.3.0.2
for h in H1 H2; do lab_route "$h" default via 10.3.0.2; done
for h in H3 H4; do lab_route "$h" default via 10.4.0.1; done
for p in 10.2.0.0/24 10.0.23.0/24; do lab_route R1 "$p" via 10.0.12.2; done
for p in 10.4.0.0/24 10.0.34.0/24 10.0.45.0/24 10.3.0.0/24; do lab_route R1 "$p" via 10.0.14.4; done
for p in 10.1.0.0/24 10.0.14.0/24; do lab_route R2 "$p" via 10.0.12.1; done
for p in 10.3.0.0/24 10.0.34.0/24 10.4.0.0/24 10.0.45.0/24; do lab_route R2 "$p" via 10.0.23.3; done
for p in 10.1.0.0/24 10.2.0.0/24 10.0.12.0/24; do lab_route R3 "$p" via 10.0.23.2; done
for p in 10.4.0.0/24 10.0.14.0/24 10.0.45.0/24; do lab_route R3 "$p" via 10.0.34.4; done
for p in 10.1.0.0/24 10.0.12.0/24; do lab_route R4 "$p" via 10.0.14.1; done
for p in 10.2.0.0/24 10.0.23.0/24 10.3.0.0/24; do lab_route R4 "$p" via 10.0.34.3; done
lab_route R5 default via 10.0.45.4

pimd_topology "{\"source\": \"bsr\", \"address\": \"$RP\", \"node\": \"R4\", \"groups\": \"224.0.0.0/4\",
  \"bsr\": \"$BSR\", \"candidateBsrs\": [{\"address\": \"$BSR\", \"node\": \"R2\", \"priority\": 20},
  {\"address\": \"10.0.23.3\", \"node\": \"R3\", \"priority\": 10}],
  \"candidateRps\": [{\"address\": \"$RP\", \"node\": \"R4\", \"priority\": 10, \"groups\": \"224.0.0.0/4\"},
  {\"address\": \"$BSR\", \"node\": \"R2\", \"priority\": 20, \"groups\": \"224.0.0.0/4\"}],
  \"ssmRange\": \"232.0.0.0/8\"}"

lab_igmp_version H1 2
for n in 1 2 3 4 5; do pimd_start "R$n" "$HERE/pimd/R$n.conf"; done
mld_querier_start R3 eth2 --query-interval 20 --response-interval 5 --robustness 2 --last-listener-interval 1
for h in H1 H2 H3; do lab_member_start "$h"; done
member_block_start H4
# pimd's C-BSR announces itself about 5 s after start; each C-RP advertises at a random time within its 30 s period
# and the BSR passes the RP-set on with its next periodic Bootstrap (every 30 s): within about a minute every
# router has R4 as RP.
lab_wait 55 "PIM hellos, DR elections, BSR election, C-RP advertisements, IGMP and MLD startup queries"
pimd_checkpoint 1 "routers up: neighbors, DRs, BSR R2 and RP R4 elected, queriers; no receivers, no data"

# Data before any receiver: R1 and R2 (DRs of the source LANs) Register to the RP (R4), which has no (*,G) yet.
lab_sender_start s1-asm S1 --group "$G1" --port 5001 --pps 5 --size 100 --ttl 16 --bind "$S1_ADDR"
lab_sender_start s1-ssm S1 --group "$G_SSM" --port 5002 --pps 3 --size 100 --ttl 16 --bind "$S1_ADDR"
lab_sender_start s2-asm S2 --group "$G1" --port 5001 --pps 4 --size 100 --ttl 16 --bind "$S2_ADDR"
lab_sender_start s3-v6 S3 --group "$V6_ASM" --port 5003 --pps 4 --size 100 --ttl 8 --iface eth0 --bind "$S3_ADDR6"
lab_sender_start s3-v6ssm S3 --group "$V6_SSM" --port 5004 --pps 2 --size 100 --ttl 8 --iface eth0 --bind "$S3_ADDR6"
lab_wait 4

# ASM receivers: IGMPv2 (H1) and IGMPv3 (H2) on lan-rcv, IGMPv3 EXCLUDE {S2} (H4) on lan-rcv2, a group without a
# sender (H3); MLDv2 listeners on lan-rcv.
lab_member H1 join "$G1"
lab_member H2 join "$G1"
lab_member H4 join "$G1"
member_block H4 block "$S2_ADDR" "$G1"
lab_member H3 join "$G2"
lab_member H1 join "$V6_ASM" ::%eth0
lab_member H2 join "$V6_ASM" ::%eth0
lab_member H2 join-source "$S3_ADDR6" "$V6_SSM" ::%eth0
lab_wait 30 "(*,G) joins to the RP, Register-Stop, SPT switchover for S1 and S2"
pimd_checkpoint 2 "ASM receivers joined: RP tree, SPTs of S1 and S2, H4 EXCLUDE {S2}, MLDv2 listeners"

# SSM: an IGMPv3 INCLUDE {S1} join on lan-rcv; no RP involved.
lab_member H2 join-source "$S1_ADDR" "$G_SSM"
lab_wait 20 "(S1,232.1.1.1) join from lan-rcv towards R1"
pimd_checkpoint 3 "SSM channel (S1,232.1.1.1) joined on lan-rcv"

# The ring: R4's route to lan-src moves from R1 (r1-r4) to R3 (r3-r4, then R2, then R1). pimd polls its unicast routes
# every 20 s and moves the incoming interface at once, but joins the new path only with its next periodic Join/Prune
# (up to a minute later) and never prunes the old one (see README.md): at checkpoint 4 only the routers know.
route_change R4 10.1.0.0/24 10.0.14.1 10.0.34.3 "R4 reaches S1 through R3 and R2 instead of R1 directly"
lab_wait 40 "RPF check (every 20 s); pimd moves its incoming interface, the Joins on the new path follow later"
pimd_checkpoint 4 "route change: the S1 trees through R4 moved to r3-r4 / r2-r3 / r1-r2"

# S2 stops: the kernels flush their (S2,G1) cache entries after a while, pimd keeps its (S2,G1) routes until their
# timers run out. H4 leaves G1 (EXCLUDE mode -> TO_IN {}).
lab_sender_stop s2-asm
lab_member H4 leave "$G1"
lab_wait 50 "kernel cache entries of S2 expire; group-specific queries on lan-rcv2"
pimd_checkpoint 5 "S2 stopped (kernel cache flushed, pimd state kept); H4 left with TO_IN {}"

# Leaves on lan-rcv: IGMPv2 Leave (H1), the SSM channel (BLOCK {S1}); H2 stays in G1.
lab_member H1 leave "$G1"
lab_member H2 leave-source "$S1_ADDR" "$G_SSM"
lab_member H2 leave "$V6_ASM" ::%eth0
lab_wait 20 "group-specific and group-and-source-specific queries, prunes"
pimd_checkpoint 6 "IGMPv2 Leave and SSM leave on lan-rcv; H2 keeps G1"

# The DR of lan-rcv goes away (goodbye): R3 becomes DR and takes over H2's G1.
pimd_stop R5
lab_wait 25 "R3 elected DR of lan-rcv, joins towards the RP and S1"
pimd_checkpoint 7 "R5 stopped (goodbye): R3 DR of lan-rcv"

lab_finish
