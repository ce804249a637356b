#!/usr/bin/env bash
# samples/faults/run.sh — a lab of faults, each produced by real components (troglobit pimd 2.3.2 routers, Linux
# hosts, ffmpeg, tc netem) so that mcast's findings can be checked against what was done and when:
#   - a clean first minute (nothing wrong: no warning or error may be found in it);
#   - an IGMPv2-only host (force_igmp_version=2) next to IGMPv3 hosts under an IGMPv3 querier;
#   - that IGMPv2 host asking for an SSM group (232.2.2.2) with a v2 report (RFC 4604 §2.2.1);
#   - a sender whose TTL (2) runs out one router short of its receivers;
#   - two senders on one ASM group and UDP port;
#   - a receiver behind a router (R4) with no route to the RP: its (*,G) Join can go nowhere;
#   - an MPEG-TS video stream sent by ffmpeg over UDP and over RTP, with 4 % loss added by tc netem on one link only
#     (R2's interface onto lan-rcv): the loss appears on lan-rcv and not upstream on r1-r2;
#   - a second, misconfigured querier (R3: another subnet, IGMPv2) on lan-rcv that later stops.
# Topology, timeline, what to look for: README.md. Runs in about 6 minutes, as root; regenerates every output. On a
# kernel without IPv4 multicast routing (this machine's) it runs itself inside User-Mode Linux (samples/lab/uml.sh).
#
#   S1 10.1.0.10, S2 10.1.0.20
#        |
#   [lan-src 10.1.0.0/24] -- R1 -- [r1-r2 10.0.12.0/24] -- R2 (RP 10.0.12.2) -- [r2-r4 10.0.24.0/24] -- R4
#                                                          |                                           |
#   H1 .11 (v3), H2 .12 (v2), H3 .13 (v3) -- [lan-rcv 10.3.0.0/24] -- R3 10.3.9.3/24      [lan-rcv2 10.4.0.0/24] -- H4 .14
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

G1=239.1.1.1        # ASM, S1: the healthy group
G_SSM=232.2.2.2     # SSM, S1 (not 232.1.1.1: that shares 239.1.1.1's MAC, a warning of its own)
G_TTL=239.3.3.3     # ASM, S1 with TTL 2
G_TWO=239.4.4.4     # ASM, S1 and S2 on the same UDP port
V_UDP=239.5.5.5     # MPEG-TS over UDP (ffmpeg)
V_RTP=239.5.5.6     # MPEG-TS over RTP (ffmpeg)
S1_ADDR=10.1.0.10
S2_ADDR=10.1.0.20
RP=10.0.12.2

# video_start ID GROUP PORT MUXER — ffmpeg encodes a test pattern (MPEG-2 video, 160x120, 25 fps, ~100 kbit/s) and
# sends it as MPEG-TS (muxer mpegts: 7 TS packets per UDP datagram) or MPEG-TS in RTP (rtp_mpegts: payload type 33).
video_start() {
  local id=$1 group=$2 port=$3 muxer=$4 scheme=udp
  [[ $muxer == rtp_mpegts ]] && scheme=rtp
  lab_event S1 start-sender "group=$group" "detail=$id ffmpeg testsrc2 mpeg2video 100k -f $muxer $scheme://$group:$port?ttl=16"
  ip netns exec "$(lab_ns S1)" ffmpeg -nostdin -loglevel error -re -f lavfi -i testsrc2=size=160x120:rate=25 \
    -c:v mpeg2video -b:v 100k -maxrate 100k -bufsize 100k -g 25 -f "$muxer" \
    "$scheme://$group:$port?ttl=16&pkt_size=1316&localaddr=$S1_ADDR" >"$LAB_RUN/nodes/S1/ffmpeg-$id.log" 2>&1 &
  echo "$! S1 $group" >"$LAB_RUN/sender-$id"
}

lab_init faults

for n in 1 2 3 4; do lab_node "R$n" router; done
lab_node S1 sender
lab_node S2 sender
for h in H1 H2 H3 H4; do lab_node "$h" host; done

lab_link lan-src lan
lab_link r1-r2 p2p
lab_link r2-r4 p2p
lab_link lan-rcv lan
lab_link lan-rcv2 lan
lab_capture_start

lab_attach R1 eth0 lan-src 10.1.0.1/24
lab_attach R1 eth1 r1-r2 10.0.12.1/24
lab_attach R2 eth0 r1-r2 10.0.12.2/24
lab_attach R2 eth1 lan-rcv 10.3.0.1/24
lab_attach R2 eth2 r2-r4 10.0.24.2/24
lab_attach R4 eth0 r2-r4 10.0.24.4/24
lab_attach R4 eth1 lan-rcv2 10.4.0.1/24
lab_attach S1 eth0 lan-src "$S1_ADDR/24"
lab_attach S2 eth0 lan-src "$S2_ADDR/24"
lab_attach R3 eth0 lan-rcv 10.3.9.3/24   # another subnet than the LAN's: see pimd/R3.conf
lab_attach H1 eth0 lan-rcv 10.3.0.11/24
lab_attach H2 eth0 lan-rcv 10.3.0.12/24
lab_attach H3 eth0 lan-rcv 10.3.0.13/24
lab_attach H4 eth0 lan-rcv2 10.4.0.14/24

for s in S1 S2; do lab_route "$s" default via 10.1.0.1; done
for h in H1 H2 H3; do lab_route "$h" default via 10.3.0.1; done
lab_route H4 default via 10.4.0.1
for p in 10.3.0.0/24 10.0.24.0/24 10.4.0.0/24; do lab_route R1 "$p" via 10.0.12.2; done
lab_route R2 10.1.0.0/24 via 10.0.12.1
lab_route R2 10.4.0.0/24 via 10.0.24.4
# R4: the sources' LAN and lan-rcv, but no route to the RP's subnet 10.0.12.0/24.
for p in 10.1.0.0/24 10.3.0.0/24; do lab_route R4 "$p" via 10.0.24.2; done

pimd_topology "{\"source\": \"static\", \"address\": \"$RP\", \"node\": \"R2\", \"groups\": \"224.0.0.0/4\", \"ssmRange\": \"232.0.0.0/8\"}"

# H2 is an IGMPv2-only host from the start.
lab_igmp_version H2 2
for n in 1 2 4; do pimd_start "R$n" "$HERE/pimd/R$n.conf"; done
for h in H1 H2 H3 H4; do lab_member_start "$h"; done
lab_wait 30 "PIM hellos, DR elections, IGMP startup queries"

# Clean: S1 sends an ASM and an SSM group; IGMPv3 receivers on both receiver LANs.
lab_sender_start s1-asm S1 --group "$G1" --port 5001 --pps 5 --size 100 --ttl 16 --bind "$S1_ADDR"
lab_sender_start s1-ssm S1 --group "$G_SSM" --port 5002 --pps 3 --size 100 --ttl 16 --bind "$S1_ADDR"
lab_wait 3
lab_member H1 join "$G1"
lab_member H3 join "$G1"
lab_member H4 join-source "$S1_ADDR" "$G_SSM"
lab_wait 30 "Register, RP tree, SPT to lan-rcv; SSM tree to lan-rcv2"
pimd_checkpoint 1 "clean: (S1,G1) on lan-rcv, (S1,232.2.2.2) on lan-rcv2"

# Faults of hosts and senders.
lab_member H2 join "$G1"                          # an IGMPv2 report under the IGMPv3 querier R2
lab_member H2 join "$G_SSM"                       # an IGMPv2 report for an SSM group
lab_sender_start s1-ttl S1 --group "$G_TTL" --port 5003 --pps 4 --size 100 --ttl 2 --bind "$S1_ADDR"
lab_member H1 join "$G_TTL"                       # S1's TTL 2 reaches r1-r2 with TTL 1: R2 cannot forward it
lab_member H4 join "$G1"                          # R4 has no route to the RP
lab_sender_start s1-two S1 --group "$G_TWO" --port 5010 --pps 3 --size 100 --ttl 16 --bind "$S1_ADDR"
lab_sender_start s2-two S2 --group "$G_TWO" --port 5010 --pps 3 --size 100 --ttl 16 --bind "$S2_ADDR"
lab_member H3 join "$G_TWO"
lab_wait 35 "joins, the TTL-limited flow, the black hole behind R4"
pimd_checkpoint 2 "IGMPv2 host, SSM group asked with IGMPv2, TTL 2 sender, two senders, receiver behind R4"

# Video with loss on one link: 4 % of the video groups' packets leaving R2 onto lan-rcv are dropped.
lab_event R2 set-config "detail=tc netem loss 4% on eth1 (lan-rcv) for 239.5.5.0/24"
lab_exec R2 tc qdisc add dev eth1 root handle 1: prio
lab_exec R2 tc qdisc add dev eth1 parent 1:3 handle 30: netem loss 4%
lab_exec R2 tc filter add dev eth1 parent 1:0 protocol ip u32 match ip dst 239.5.5.0/24 flowid 1:3
lab_member H1 join "$V_UDP"
lab_member H1 join "$V_RTP"
video_start video-udp "$V_UDP" 5004 mpegts
video_start video-rtp "$V_RTP" 5006 rtp_mpegts
lab_wait 35 "MPEG-TS over UDP and RTP, lossy on lan-rcv only"
lab_sender_stop video-udp
lab_sender_stop video-rtp
pimd_checkpoint 3 "video streams with loss on lan-rcv"

# A second querier: R3 on lan-rcv in another subnet, IGMPv2.
pimd_start R3 "$HERE/pimd/R3.conf"
lab_wait 45 "R2 and R3 both query; the IGMPv3 hosts fall back to IGMPv2"
pimd_checkpoint 4 "two queriers on lan-rcv (R3: other subnet, IGMPv2)"
pimd_stop R3
lab_wait 25 "R2 alone queries lan-rcv again"
pimd_checkpoint 5 "R3 stopped"

lab_finish
