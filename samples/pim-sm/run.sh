#!/usr/bin/env bash
# samples/pim-sm/run.sh — PIM-SM with a static RP, four FRR 8.4 routers, OSPF, two sources, three groups (two ASM,
# one SSM), two receiver LANs.
# Regenerates pcap/, pim-sm.pcapng(.gz), topology.json, events.jsonl, truth/, tshark-counts.json. Run as root;
# takes about 3 minutes. See README.md for the topology and the timeline.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lab/lib.sh
source "$HERE/../lab/lib.sh"

RP=10.255.0.2
G1=239.1.1.1      # ASM, from S1
G2=239.2.2.2      # ASM, from S2
G3=232.1.1.1      # SSM range (FRR's default 232/8), from S2, joined source-specifically
S1_ADDR=10.0.1.10
S2_ADDR=10.0.1.20
LAB_GZIP_ABOVE=100000

lab_init pim-sm

# --- nodes and links ------------------------------------------------------------------------------------------
for n in 1 2 3 4; do lab_node "R$n" router "10.255.0.$n"; done
lab_node S1 sender
lab_node S2 sender
lab_node H1 host
lab_node H2 host
lab_node H3 host

lab_link lan-src lan
lab_link r1-r2 p2p
lab_link r1-r3 p2p
lab_link r2-r3 p2p
lab_link r2-r4 p2p
lab_link lan-rcv1 lan
lab_link lan-rcv2 lan
lab_capture_start

lab_attach R1 eth0 lan-src 10.0.1.1/24
lab_attach R1 eth1 r1-r2 10.0.12.1/24
lab_attach R1 eth2 r1-r3 10.0.13.1/24
lab_attach R2 eth0 r1-r2 10.0.12.2/24
lab_attach R2 eth1 r2-r3 10.0.23.2/24
lab_attach R2 eth2 r2-r4 10.0.24.2/24
lab_attach R3 eth0 r1-r3 10.0.13.3/24
lab_attach R3 eth1 r2-r3 10.0.23.3/24
lab_attach R3 eth2 lan-rcv1 10.0.3.1/24
lab_attach R4 eth0 r2-r4 10.0.24.4/24
lab_attach R4 eth1 lan-rcv2 10.0.4.1/24
lab_attach S1 eth0 lan-src "$S1_ADDR/24"
lab_attach S2 eth0 lan-src "$S2_ADDR/24"
lab_attach H1 eth0 lan-rcv1 10.0.3.11/24
lab_attach H2 eth0 lan-rcv1 10.0.3.12/24
lab_attach H3 eth0 lan-rcv2 10.0.4.13/24

lab_route S1 default via 10.0.1.1
lab_route S2 default via 10.0.1.1
lab_route H1 default via 10.0.3.1
lab_route H2 default via 10.0.3.1
lab_route H3 default via 10.0.4.1
# H1 is an IGMPv2 host; H2 and H3 speak IGMPv3 (the kernel default).
lab_exec H1 sysctl -qw net.ipv4.conf.eth0.force_igmp_version=2

lab_topology "{\"address\": \"$RP\", \"groups\": \"224.0.0.0/4\", \"source\": \"static\",
  \"router\": \"R2\", \"configuredOn\": [\"R1\", \"R2\", \"R3\", \"R4\"],
  \"note\": \"FRR 8.4 pimd is a BSR client only (no candidate-BSR / candidate-RP), so the RP is static\"}"

# --- routers ----------------------------------------------------------------------------------------------------
for n in 1 2 3 4; do lab_frr_start "R$n" "$HERE/frr/R$n"; done
for h in H1 H2 H3; do lab_member_start "$h"; done

# OSPF has converged when every router reaches the RP, the sources and the receivers through the expected next
# hop (a partial SPF would send the first joins along a detour and leave stale state behind).
EXPECTED_NEXT_HOPS=(
  "R1 $RP 10.0.12.2" "R1 10.0.3.11 10.0.13.3" "R1 10.0.4.13 10.0.12.2"
  "R2 $S1_ADDR 10.0.12.1" "R2 10.0.3.11 10.0.23.3" "R2 10.0.4.13 10.0.24.4"
  "R3 $RP 10.0.23.2" "R3 $S1_ADDR 10.0.13.1" "R3 10.0.4.13 10.0.23.2"
  "R4 $RP 10.0.24.2" "R4 $S1_ADDR 10.0.24.2" "R4 10.0.3.11 10.0.24.2"
)
routes_ready() {
  local entry router destination next_hop
  for entry in "${EXPECTED_NEXT_HOPS[@]}"; do
    read -r router destination next_hop <<<"$entry"
    lab_exec "$router" ip route get "$destination" 2>/dev/null | grep -q " via $next_hop " || return 1
  done
}
pim_neighbors() { lab_vtysh "$1" -c 'show ip pim neighbor json' | jq '[.[] | keys[]] | length'; }
pim_ready() {
  [[ $(pim_neighbors R1) -ge 2 && $(pim_neighbors R2) -ge 3 && $(pim_neighbors R3) -ge 2 && \
     $(pim_neighbors R4) -ge 1 ]]
}
lab_wait_until 60 "OSPF converged (expected next hops to the RP, sources and receivers)" routes_ready
lab_wait_until 60 "PIM adjacencies on every router link" pim_ready
lab_wait 3 "pimd's next-hop tracking catches up with zebra"
# The RP must be reachable for the RPF checks before any join is sent.
lab_wait_until 30 "RP $RP known on R3 and R4" \
  bash -c "ip netns exec $(lab_ns R3) vtysh -N $(lab_ns R3) -c 'show ip pim rp-info json' 2>/dev/null | grep -q '\"rpAddress\":\"$RP\"'"

# --- receivers join: (*,G) joins towards the RP -------------------------------------------------------------------
lab_member H1 join "$G1" 10.0.3.11
lab_member H2 join "$G1" 10.0.3.12
lab_member H2 join "$G2" 10.0.3.12
lab_member H3 join "$G1" 10.0.4.13
lab_member H3 join-source "$S2_ADDR" "$G3" 10.0.4.13
lab_wait 6 "joins propagate to the RP"
lab_checkpoint 1 "joins settled on the RP tree, no source yet"

# --- sources start: Register, (S,G) joins, Register-Stop, SPT switchover ----------------------------------------
lab_sender_start s1 S1 --group "$G1" --port 5001 --pps 5 --size 100 --ttl 16 --bind "$S1_ADDR"
lab_sender_start s2 S2 --group "$G2" --port 5002 --pps 5 --size 100 --ttl 16 --bind "$S2_ADDR"
lab_sender_start s3 S2 --group "$G3" --port 5003 --pps 5 --size 100 --ttl 16 --bind "$S2_ADDR"
lab_wait 15 "registers, SPT switchover at R3"
lab_checkpoint 2 "after the SPT switchover: R3 on the shortest path R1-R3, (S,G,rpt) pruned towards the RP"

lab_wait 25 "register suppression expires: null-register probe, register-stop"
lab_checkpoint 3 "register suppression cycle (null-register answered by register-stop)"

# --- first leave: the IGMPv2 host leaves, the IGMPv3 host on the same LAN stays --------------------------------------
lab_member H1 leave "$G1" 10.0.3.11
lab_wait 6 "IGMPv2 leave, group-specific queries, H2 still reports"
lab_checkpoint 4 "after the IGMPv2 host left; the IGMPv3 host keeps $G1 on lan-rcv1"

# --- second LAN: source-specific leave, then the host is unplugged and its membership expires ----------------------
lab_member H3 leave-source "$S2_ADDR" "$G3" 10.0.4.13
lab_wait 4 "group-and-source-specific queries, (S,G) prune towards the source"
lab_event H3 unplug "detail=bridge port H3-eth0 down: H3 goes silent without leaving $G1"
lab_exec sw ip link set H3-eth0 down
lab_wait 40 "group membership interval (2 x 15 s + 5 s) expires on R4"
lab_checkpoint 5 "after H3's source-specific leave and the expiry of its $G1 membership; R4 pruned"

# --- last receiver leaves while the sources keep sending: the trees shrink to the first-hop router -----------------
lab_member H2 leave "$G1" 10.0.3.12
lab_member H2 leave "$G2" 10.0.3.12
lab_wait 8 "prunes towards the source and the RP"
lab_checkpoint 6 "last receiver left: R3 pruned; the RP still holds (*,G) towards R3 and R4 (FRR's trailing Join(*,G))"
lab_wait 67 "the RP's (*,G) join state expires (holdtime 3.5 x 20 s)"
lab_checkpoint 7 "tree shrunk to the first-hop router: sources still sending, null-registers and register-stops only"

lab_sender_stop s1
lab_sender_stop s2
lab_sender_stop s3
lab_wait 5 "sources stopped"
lab_checkpoint 8 "end"
lab_finish
