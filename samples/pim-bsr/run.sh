#!/usr/bin/env bash
# samples/pim-bsr/run.sh — PIM-SM with the RP learned through the bootstrap mechanism (RFC 5059): four FRR 8.4
# routers (BSR clients) with OSPF and no static RP, a Bootstrap Router and two Candidate-RPs played by
# ../lab/pim-bsr-speaker.py, one source and two IGMPv3 receivers. The preferred C-RP stops, its RP-set entry times
# out and the trees move to the other RP; then the second stops too and the routers are left without an RP.
# Regenerates pcap/, pim-bsr.pcapng(.gz), topology.json, events.jsonl, truth/, tshark-counts.json. Run as root;
# takes about 3 minutes. See README.md for the topology and the timeline.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lab/lib.sh
source "$HERE/../lab/lib.sh"

BSR_ADDR=10.0.9.9
RP_A=10.255.0.2   # C-RP on R2, priority 10 (preferred: lower is better)
RP_B=10.255.0.3   # C-RP on R3, priority 20
CRP_INTERVAL=10   # C-RP-Adv period; holdtime 2.5 x = 25 s
BSR_INTERVAL=10   # Bootstrap period
G1=239.1.1.1      # from S1, joined by H1
G2=239.2.2.2      # no source, joined by H2: a (*,G) tree only
S1_ADDR=10.0.1.10
SPEAKER="$LAB_LIB_DIR/pim-bsr-speaker.py"
LAB_GZIP_ABOVE=100000

lab_init pim-bsr

# --- nodes and links ------------------------------------------------------------------------------------------
for n in 1 2 3 4; do lab_node "R$n" router "10.255.0.$n"; done
# The BSR speaker is a PIM router on the wire, but not an FRR one: as a "host" the checkpoints read its /proc
# membership files instead of asking it for vtysh state it does not have (topology.json marks its role).
lab_node BSR host
lab_node S1 sender
lab_node H1 host
lab_node H2 host

lab_link lan-src lan
lab_link lan-bsr lan
lab_link r1-r2 p2p
lab_link r1-r3 p2p
lab_link r2-r4 p2p
lab_link r3-r4 p2p
lab_link lan-rcv lan
lab_capture_start

lab_attach R1 eth0 lan-src 10.0.1.1/24
lab_attach R1 eth1 r1-r2 10.0.12.1/24
lab_attach R1 eth2 r1-r3 10.0.13.1/24
lab_attach R1 eth3 lan-bsr 10.0.9.1/24
lab_attach R2 eth0 r1-r2 10.0.12.2/24
lab_attach R2 eth1 r2-r4 10.0.24.2/24
lab_attach R3 eth0 r1-r3 10.0.13.3/24
lab_attach R3 eth1 r3-r4 10.0.34.3/24
lab_attach R4 eth0 r2-r4 10.0.24.4/24
lab_attach R4 eth1 r3-r4 10.0.34.4/24
lab_attach R4 eth2 lan-rcv 10.0.4.1/24
lab_attach BSR eth0 lan-bsr "$BSR_ADDR/24"
lab_attach S1 eth0 lan-src "$S1_ADDR/24"
lab_attach H1 eth0 lan-rcv 10.0.4.11/24
lab_attach H2 eth0 lan-rcv 10.0.4.12/24

lab_route BSR default via 10.0.9.1
lab_route S1 default via 10.0.1.1
lab_route H1 default via 10.0.4.1
lab_route H2 default via 10.0.4.1

lab_topology "{\"source\": \"bsr\", \"bsr\": {\"address\": \"$BSR_ADDR\", \"node\": \"BSR\", \"priority\": 64,
  \"hashMaskLength\": 30, \"bootstrapInterval\": $BSR_INTERVAL},
  \"candidates\": [
    {\"address\": \"$RP_A\", \"router\": \"R2\", \"priority\": 10, \"groups\": \"224.0.0.0/4\",
     \"interval\": $CRP_INTERVAL, \"holdtime\": 25},
    {\"address\": \"$RP_B\", \"router\": \"R3\", \"priority\": 20, \"groups\": \"224.0.0.0/4\",
     \"interval\": $CRP_INTERVAL, \"holdtime\": 25}],
  \"note\": \"FRR 8.4 pimd is a BSR client only: the BSR and the C-RPs are samples/lab/pim-bsr-speaker.py\"}"
# Mark the speaker's role for readers (the analyzer reads only names, interfaces and addresses).
python3 - "$LAB_OUT/topology.json" <<'PY'
import json, sys
path = sys.argv[1]
with open(path) as f:
    doc = json.load(f)
for node in doc['nodes']:
    if node['name'] == 'BSR':
        node['role'] = 'bsr-speaker (PIM router without FRR: Hellos, Bootstraps, C-RP-Adv receiver)'
with open(path, 'w') as f:
    json.dump(doc, f, indent=1)
    f.write('\n')
PY

# --- speakers: started and stopped by PID --------------------------------------------------------------------------
# speaker_start ID NODE ACTION DETAIL ARGS... — pim-bsr-speaker.py in NODE's namespace, logged to nodes/NODE/ID.log.
speaker_start() {
  local id=$1 node=$2 action=$3 detail=$4
  shift 4
  lab_event "$node" "$action" "detail=$detail"
  ip netns exec "$(lab_ns "$node")" python3 "$SPEAKER" "$@" >"$LAB_RUN/nodes/$node/$id.log" 2>&1 &
  echo $! >"$LAB_RUN/nodes/$node/$id.pid"
}
speaker_stop() {
  local id=$1 node=$2 action=$3 detail=$4 pidfile
  pidfile="$LAB_RUN/nodes/$node/$id.pid"
  lab_event "$node" "$action" "detail=$detail"
  kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
  wait "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

# --- routers ----------------------------------------------------------------------------------------------------
for n in 1 2 3 4; do lab_frr_start "R$n" "$HERE/frr/R$n"; done
for h in H1 H2; do lab_member_start "$h"; done

# OSPF costs: r3-r4 is 20, every other link 10, so R4 reaches R1, S1 and the BSR through R2, and R3 directly.
EXPECTED_NEXT_HOPS=(
  "R1 $RP_A 10.0.12.2" "R1 $RP_B 10.0.13.3" "R1 10.0.4.11 10.0.12.2"
  "R2 $BSR_ADDR 10.0.12.1" "R2 10.0.4.11 10.0.24.4"
  "R3 $BSR_ADDR 10.0.13.1" "R3 10.0.4.11 10.0.34.4"
  "R4 $BSR_ADDR 10.0.24.2" "R4 $S1_ADDR 10.0.24.2" "R4 $RP_A 10.0.24.2" "R4 $RP_B 10.0.34.3"
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
  [[ $(pim_neighbors R1) -ge 2 && $(pim_neighbors R2) -ge 2 && $(pim_neighbors R3) -ge 2 && \
     $(pim_neighbors R4) -ge 2 ]]
}
lab_wait_until 60 "OSPF converged (expected next hops to the RPs, the BSR, the source and the receivers)" routes_ready
lab_wait_until 60 "PIM adjacencies on every router link" pim_ready
lab_wait 3 "pimd's next-hop tracking catches up with zebra"

# rp_on ROUTER ADDRESS — true when the router's RP for 224.0.0.0/4, learned from BSR, is ADDRESS ("none": no RP).
rp_on() {
  local rp
  rp=$(lab_vtysh "$1" -c 'show ip pim rp-info json' |
    jq -r '[.[] | .[] | select(.source == "BSR" and .group == "224.0.0.0/4") | .rpAddress] | first // "none"')
  [[ $rp == "$2" ]]
}
rp_everywhere() { local r; for r in R1 R2 R3 R4; do rp_on "$r" "$1" || return 1; done; }

# --- the BSR comes up on lan-bsr, then the two candidate RPs advertise to it -------------------------------------
speaker_start bsr BSR start-bsr "pim-bsr-speaker.py bsr $BSR_ADDR: hellos (DR priority 0), bootstrap every $BSR_INTERVAL s" \
  bsr --address "$BSR_ADDR" --interval "$BSR_INTERVAL" --hello-interval 10 --hello-holdtime 35 --priority 64 \
  --hash-mask-len 30
lab_wait_until 30 "R1 has the BSR as a PIM neighbor" \
  bash -c "ip netns exec $(lab_ns R1) vtysh -N $(lab_ns R1) -c 'show ip pim neighbor json' 2>/dev/null | grep -q '$BSR_ADDR'"
speaker_start crp R2 start-crp "C-RP $RP_A priority 10 for 224.0.0.0/4, every $CRP_INTERVAL s, holdtime 25 s" \
  crp --bsr "$BSR_ADDR" --rp-address "$RP_A" --priority 10 --interval "$CRP_INTERVAL" --holdtime 25
speaker_start crp R3 start-crp "C-RP $RP_B priority 20 for 224.0.0.0/4, every $CRP_INTERVAL s, holdtime 25 s" \
  crp --bsr "$BSR_ADDR" --rp-address "$RP_B" --priority 20 --interval "$CRP_INTERVAL" --holdtime 25
lab_wait_until 40 "every router's RP for 224.0.0.0/4 is $RP_A, learned from the BSR" rp_everywhere "$RP_A"
lab_wait 2 "the bootstrap reaches R4 on both paths"
lab_checkpoint 1 "RP-set learned from the BSR: $RP_A (priority 10) preferred over $RP_B (priority 20)"

# --- receivers and source: the trees are rooted at R2 -------------------------------------------------------------
lab_member H1 join "$G1" 10.0.4.11
lab_member H2 join "$G2" 10.0.4.12
lab_wait 4 "(*,G) joins R4 -> R2"
lab_sender_start s1 S1 --group "$G1" --port 5001 --pps 5 --size 100 --ttl 16 --bind "$S1_ADDR"
lab_wait 14 "register to $RP_A, (S,G) join R2 -> R1, register-stop"
lab_checkpoint 2 "trees rooted at RP $RP_A: (*,G) R4 -> R2, (S1,$G1) R1 -> R2 -> R4"

# --- the preferred C-RP stops: the BSR times it out, the routers move to the other RP -----------------------------
speaker_stop crp R2 stop-crp "C-RP $RP_A stops advertising (no withdrawal)"
lab_wait_until 60 "the BSR timed out $RP_A (25 s) and every router moved to $RP_B" rp_everywhere "$RP_B"
lab_wait 12 "(*,G) joins move to R3, register to $RP_B, SPT switchover at R4"
lab_checkpoint 3 "RP moved to $RP_B: (*,G) R4 -> R3 over r3-r4, (S1,$G1) on the shortest path R1 -> R2 -> R4"

# --- the second C-RP stops: the RP-set empties -----------------------------------------------------------------
speaker_stop crp R3 stop-crp "C-RP $RP_B stops advertising (no withdrawal)"
lab_wait_until 70 "the BSR timed out $RP_B and the routers have no RP for 224.0.0.0/4" rp_everywhere none
lab_wait 5 "state follows the lost RP"
lab_checkpoint 4 "empty RP-set: no RP for 224.0.0.0/4"

lab_sender_stop s1
lab_member H1 leave "$G1" 10.0.4.11
lab_member H2 leave "$G2" 10.0.4.12
lab_wait 5 "source stopped, receivers left"
lab_checkpoint 5 "end"
speaker_stop bsr BSR stop-bsr "the BSR stops (goodbye hello)"
lab_finish
