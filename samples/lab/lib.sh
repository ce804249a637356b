# shellcheck shell=bash
# samples/lab/lib.sh — the shared framework behind every samples/<scenario>/run.sh.
#
# A scenario builds a small network of Linux network namespaces on this machine, runs real routers (FRR 8.4) and
# socket-API hosts in it, captures every link, and records the routers' and hosts' own state as ground truth.
# Nothing leaves the namespaces: every address used lives inside them.
#
# Layout of a lab
#   - one namespace per node, named "<scenario>-<node>" (so two scenarios can run at the same time);
#   - one "switch" namespace "<scenario>-sw" holding one Linux bridge per link (LAN or point-to-point), named
#     after the link (≤ 15 chars), with IGMP/MLD snooping and the bridge querier off;
#   - a node interface is a veth whose peer "<node>-<if>" is a port of the link's bridge; TX checksum offload is off
#     on both ends so captured checksums are real.
# Captures: tcpdump per bridge → pcap/<link>.pcap, and one dumpcap on all bridges → <scenario>.pcapng (interface
# names = link names). Both run in the switch namespace and start before any daemon.
#
# Usage from samples/<scenario>/run.sh:
#   source "$(dirname "$0")/../lab/lib.sh"
#   lab_init pim-sm                       # cleans old outputs and leftovers, installs the exit trap
#   lab_node R1 router 10.255.0.1         # name kind(router|host|sender) [routerId]
#   lab_link lan-src lan                  # name kind(lan|p2p)
#   lab_capture_start                     # before lab_attach: the per-link pcaps and the pcapng then hold the
#                                         # same frames (interfaces send MLD/ND as soon as they come up)
#   lab_attach R1 eth0 lan-src 10.1.0.1/24 fd00:1::1/64
#   lab_route H1 default via 10.1.0.1     # any `ip route add` arguments (ip -6 route: lab_route6)
#   lab_frr_start R1 "$HERE/frr/R1"       # starts zebra + every daemon whose <daemon>.conf is in that directory
#   lab_member_start H1                   # member.mjs, driven through a FIFO
#   lab_member H1 join 239.1.1.1          # sends a command and records the event
#   lab_sender_start S1 S1 --group 239.1.1.1 --port 5001 --pps 10 --size 120 --ttl 16
#   lab_checkpoint 1 "joins settled"      # truth/checkpoint-01.json
#   lab_sender_stop S1
#   lab_topology '{"address":"10.255.0.3","groups":"224.0.0.0/4","source":"static"}'
#   lab_finish                            # stops captures, copies pcaps, gzips big ones, runs tshark-counts.py
# Also: lab_exec NODE CMD... (run in a node), lab_vtysh NODE -c CMD..., lab_frr_config NODE DETAIL LINE...
# (configure a running router, recorded), lab_frr_stop NODE, lab_event NODE ACTION key=value..., lab_wait SECONDS WHY,
# lab_wait_until TIMEOUT WHY COMMAND..., lab_route6, lab_ns NODE (namespace name), lab_igmp_version HOST VERSION.
#
# Outputs in samples/<scenario>/ (a contract: the analyzer's tests read them)
#   events.jsonl      one JSON object per scripted action, in order: {"time": epoch s (µs, taken right before the
#                     action), "node", "action": start-router|stop-router|set-config|join|leave|start-sender|
#                     stop-sender|checkpoint|<scenario-specific>, "group"?, "source"?, "checkpoint"?, "detail"?}.
#                     join/leave with a "source" are source-specific (join-source / leave-source).
#   truth/checkpoint-NN.json  {"checkpoint": n, "label", "timeStart", "timeEnd", "routers": {R: {"<vtysh command>":
#                     parsed JSON (or text when the command has no json form), "kernel mroute": text,
#                     "kernel mroute6": text}}, "hosts": {H: {"/proc/net/igmp": text, ...}}}
#   topology.json     {"scenario", "nodes": [{"name", "kind", "routerId"?, "interfaces": [{"name", "link", "mac",
#                     "ipv4": ["a.b.c.d/len"], "ipv6": [...]}]}], "links": [{"name", "kind"}], "rp": as given}
#   pcap/<link>.pcap(.gz), <scenario>.pcapng(.gz), tshark-counts.json (see samples/tools/tshark-counts.py)
#
# Variables a scenario may set before lab_init or change after it:
#   LAB_VTYSH_CMDS  array of vtysh commands dumped per router at each checkpoint (JSON when the output parses)
#   LAB_HOST_FILES  array of /proc files dumped per host at each checkpoint
#   LAB_GZIP_ABOVE  size in bytes above which a capture is committed gzipped (default 300000)

LAB_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_SAMPLES_DIR="$(dirname "$LAB_LIB_DIR")"
LAB_FRR_DIR=/usr/lib/frr
LAB_GZIP_ABOVE="${LAB_GZIP_ABOVE:-300000}"

if [[ -z "${LAB_VTYSH_CMDS+set}" ]]; then
  LAB_VTYSH_CMDS=(
    'show ip igmp groups json'
    'show ip igmp sources json'
    'show ip igmp interface json'
    'show ip igmp statistics json'
    'show ip pim interface json'
    'show ip pim interface traffic json'
    'show ip pim neighbor json'
    'show ip pim join json'
    'show ip pim upstream json'
    'show ip pim rp-info json'
    'show ip pim state json'
    'show ip pim assert'
    'show ip pim bsr json'
    'show ip pim bsrp-info json'
    'show ip pim rpf json'
    'show ip mroute json'
    'show ip mroute count json'
    'show ip multicast'
    'show ip multicast count json'
  )
fi
if [[ -z "${LAB_HOST_FILES+set}" ]]; then
  LAB_HOST_FILES=(/proc/net/igmp /proc/net/mcfilter /proc/net/igmp6 /proc/net/mcfilter6)
fi

lab_log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
lab_die() { lab_log "error: $*"; exit 1; }
lab_now() { date +%s.%6N; }

# Namespace of a node (or of the switch, "sw").
lab_ns() { printf '%s-%s' "$LAB_SCENARIO" "$1"; }
# Background processes are started with a plain `ip netns exec ... &` (not through lab_exec) so that $! is the
# process itself (ip execs the command) and a signal sent to it reaches it.
lab_exec() { local node=$1; shift; ip netns exec "$(lab_ns "$node")" "$@"; }

# JSON string escaping for the few free-text values we write from bash.
lab_json_str() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

# lab_event NODE ACTION [key=value ...] [--time T]
# Appends one line to events.jsonl. Keys group/source/detail/... become strings; numbers stay strings too unless
# the key ends in ":n" (e.g. "pps:n=10").
lab_event() {
  local node=$1 action=$2 time="" kv key value line
  shift 2
  local extra=""
  for kv in "$@"; do
    key=${kv%%=*}; value=${kv#*=}
    if [[ $key == --time ]]; then time=$value; continue; fi
    if [[ $key == *:n ]]; then extra+=", $(lab_json_str "${key%:n}"): $value"
    else extra+=", $(lab_json_str "$key"): $(lab_json_str "$value")"; fi
  done
  [[ -n $time ]] || time=$(lab_now)
  line="{\"time\": $time, \"node\": $(lab_json_str "$node"), \"action\": $(lab_json_str "$action")$extra}"
  printf '%s\n' "$line" >>"$LAB_OUT/events.jsonl"
}

# lab_init SCENARIO — runtime dir /tmp/lab/SCENARIO, outputs in samples/SCENARIO.
lab_init() {
  LAB_SCENARIO=$1
  LAB_OUT="$LAB_SAMPLES_DIR/$LAB_SCENARIO"
  LAB_RUN="/tmp/lab/$LAB_SCENARIO"
  [[ $EUID -eq 0 ]] || lab_die "run as root (network namespaces)"
  [[ -d $LAB_OUT ]] || lab_die "no scenario directory $LAB_OUT"
  lab_cleanup quiet
  rm -rf "$LAB_RUN" "$LAB_OUT/pcap" "$LAB_OUT/truth" "$LAB_OUT/events.jsonl" "$LAB_OUT/topology.json" \
    "$LAB_OUT/tshark-counts.json" "$LAB_OUT/$LAB_SCENARIO.pcapng" "$LAB_OUT/$LAB_SCENARIO.pcapng.gz"
  mkdir -p "$LAB_RUN/capture" "$LAB_RUN/nodes" "$LAB_OUT/pcap" "$LAB_OUT/truth"
  : >"$LAB_RUN/nodes.tsv"; : >"$LAB_RUN/links.tsv"; : >"$LAB_RUN/ports.tsv"; : >"$LAB_OUT/events.jsonl"
  trap 'lab_cleanup' EXIT
  trap 'lab_log "interrupted"; exit 130' INT TERM
  ip netns add "$(lab_ns sw)"
  lab_exec sw ip link set lo up
  lab_log "lab $LAB_SCENARIO: runtime $LAB_RUN, outputs $LAB_OUT"
}

lab_scenario_namespaces() { ip netns list | awk '{print $1}' | grep -E "^$1-" || true; }

# Kill every process inside the scenario's namespaces (by PID: TERM, up to 3 s, then KILL), delete the namespaces,
# remove FRR runtime dirs.
lab_cleanup() {
  local quiet=${1:-} ns pids scenario=${LAB_SCENARIO:?} tries=0
  trap - EXIT
  for ns in $(lab_scenario_namespaces "$scenario"); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [[ -z $pids ]] || kill -TERM $pids 2>/dev/null || true
  done
  while (( tries++ < 30 )); do
    pids=$(for ns in $(lab_scenario_namespaces "$scenario"); do ip netns pids "$ns" 2>/dev/null; done)
    [[ -n $pids ]] || break
    sleep 0.1
  done
  for ns in $(lab_scenario_namespaces "$scenario"); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086
    [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/var/run/frr/$ns"
  done
  [[ $quiet == quiet ]] || lab_log "lab $scenario cleaned up"
}

# lab_node NAME KIND [ROUTER_ID]
lab_node() {
  local name=$1 kind=$2 router_id=${3:-} ns
  ns=$(lab_ns "$name")
  case $kind in router|host|sender) ;; *) lab_die "node kind $kind";; esac
  ip netns add "$ns"
  lab_exec "$name" ip link set lo up
  lab_exec "$name" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
    net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  if [[ $kind == router ]]; then
    lab_exec "$name" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    [[ -z $router_id ]] || lab_exec "$name" ip addr add "$router_id/32" dev lo
  fi
  mkdir -p "$LAB_RUN/nodes/$name"
  printf '%s\t%s\t%s\n' "$name" "$kind" "$router_id" >>"$LAB_RUN/nodes.tsv"
}

# lab_link NAME KIND — a bridge in the switch namespace.
lab_link() {
  local name=$1 kind=$2
  (( ${#name} <= 15 )) || lab_die "link name $name longer than 15"
  case $kind in lan|p2p) ;; *) lab_die "link kind $kind";; esac
  lab_exec sw ip link add "$name" type bridge
  lab_exec sw ip link set "$name" type bridge mcast_snooping 0 mcast_querier 0 stp_state 0 forward_delay 0
  lab_exec sw sysctl -qw "net.ipv6.conf.$name.disable_ipv6=1"
  lab_exec sw ip link set "$name" up
  printf '%s\t%s\n' "$name" "$kind" >>"$LAB_RUN/links.tsv"
}

# lab_attach NODE IF LINK [ADDR/PLEN ...] — a veth from NODE's IF to a port of LINK's bridge.
lab_attach() {
  local node=$1 ifname=$2 link=$3 port addr
  shift 3
  port="$node-$ifname"
  (( ${#port} <= 15 )) || lab_die "port name $port longer than 15"
  ip -n "$(lab_ns "$node")" link add "$ifname" type veth peer name "$port" netns "$(lab_ns sw)"
  lab_exec sw sysctl -qw "net.ipv6.conf.$port.disable_ipv6=1"
  lab_exec sw ip link set "$port" master "$link"
  lab_exec sw ethtool -K "$port" tx off >/dev/null
  lab_exec "$node" ethtool -K "$ifname" tx off >/dev/null
  lab_exec "$node" sysctl -qw "net.ipv4.conf.$ifname.rp_filter=0"
  for addr in "$@"; do lab_exec "$node" ip addr add "$addr" dev "$ifname"; done
  lab_exec sw ip link set "$port" up
  lab_exec "$node" ip link set "$ifname" up
  printf '%s\t%s\t%s\n' "$node" "$ifname" "$link" >>"$LAB_RUN/ports.tsv"
}

lab_route() { local node=$1; shift; lab_exec "$node" ip route add "$@"; }

# lab_igmp_version HOST VERSION — the host's eth0 speaks only that IGMP version (force_igmp_version), recorded.
lab_igmp_version() {
  local host=$1 version=$2
  lab_event "$host" set-config "detail=net.ipv4.conf.eth0.force_igmp_version=$version (IGMPv$version host)"
  lab_exec "$host" sysctl -qw "net.ipv4.conf.eth0.force_igmp_version=$version"
}
lab_route6() { local node=$1; shift; lab_exec "$node" ip -6 route add "$@"; }

# Nodes of a kind, in creation order.
lab_nodes_of() { awk -F'\t' -v k="$1" '$2 == k { print $1 }' "$LAB_RUN/nodes.tsv"; }
lab_links() { cut -f1 "$LAB_RUN/links.tsv"; }

# lab_capture_start — tcpdump per link + one dumpcap over all links, in the switch namespace.
lab_capture_start() {
  local link args=()
  for link in $(lab_links); do
    ip netns exec "$(lab_ns sw)" tcpdump -i "$link" -s 0 -U -Z root -w "$LAB_RUN/capture/$link.pcap" \
      >"$LAB_RUN/capture/$link.tcpdump.log" 2>&1 &
    echo $! >"$LAB_RUN/capture/$link.pid"
    args+=(-i "$link")
  done
  ip netns exec "$(lab_ns sw)" dumpcap -q "${args[@]}" -s 0 -w "$LAB_RUN/capture/$LAB_SCENARIO.pcapng" \
    >"$LAB_RUN/capture/dumpcap.log" 2>&1 &
  echo $! >"$LAB_RUN/capture/dumpcap.pid"
  sleep 2 # let every capture open its interface before anything is sent
  lab_log "captures started on $(lab_links | tr '\n' ' ')"
}

lab_capture_stop() {
  local pidfile pid
  for pidfile in "$LAB_RUN"/capture/*.pid; do
    [[ -e $pidfile ]] || continue
    pid=$(cat "$pidfile")
    kill -INT "$pid" 2>/dev/null || true
  done
  for pidfile in "$LAB_RUN"/capture/*.pid; do
    [[ -e $pidfile ]] || continue
    wait "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  lab_log "captures stopped"
}

# lab_frr_start NODE CONFDIR — zebra, then every other daemon (staticd ospfd pimd ...) with CONFDIR/<daemon>.conf.
# Config files are copied into the runtime dir (FRR runs as user frr). Logs: /tmp/lab/<scenario>/nodes/NODE/.
lab_frr_start() {
  local node=$1 confdir=$2 ns daemon rundir
  ns=$(lab_ns "$node")
  rundir="$LAB_RUN/nodes/$node/frr"
  mkdir -p "$rundir" "/var/run/frr/$ns"
  chown frr:frr "$rundir" "/var/run/frr/$ns"
  lab_event "$node" start-router "detail=FRR $(ls "$confdir" | tr '\n' ' ' | sed 's/ $//')"
  for daemon in zebra staticd ospfd pimd; do
    if [[ $daemon != zebra && ! -e $confdir/$daemon.conf ]]; then continue; fi
    if [[ -e $confdir/$daemon.conf ]]; then cp "$confdir/$daemon.conf" "$rundir/$daemon.conf"
    else : >"$rundir/$daemon.conf"; fi
    chown frr:frr "$rundir/$daemon.conf"
    ip netns exec "$ns" "$LAB_FRR_DIR/$daemon" -N "$ns" -d -P 0 -f "$rundir/$daemon.conf" \
      -i "$rundir/$daemon.pid" --log "file:$rundir/$daemon.log" \
      || lab_die "$daemon failed to start on $node"
    if [[ $daemon == zebra ]]; then
      # The other daemons connect once zebra lists every interface address. (pimd still logs "pim_if_add_vif: could
      # not get address ... ifindex=0" for the interfaces in its config, read before zebra's interface dump
      # reaches it; it sets them up when the dump arrives.)
      lab_wait_until 10 "zebra on $node knows its addresses" lab_zebra_has_addresses "$node"
    fi
  done
}

# lab_zebra_has_addresses NODE — true once zebra lists every IPv4 address of the node's interfaces.
lab_zebra_has_addresses() {
  local node=$1 brief address
  brief=$(lab_vtysh "$node" -c 'show interface brief' 2>/dev/null) || return 1
  for address in $(lab_exec "$node" ip -4 -o addr show | awk '$2 != "lo" { print $4 }'); do
    grep -qF "$address" <<<"$brief" || return 1
  done
}

# lab_frr_stop NODE — stop the node's FRR daemons (by their pid files), e.g. to show a neighbor expiring.
lab_frr_stop() {
  local node=$1 pidfile
  lab_event "$node" stop-router
  for pidfile in "$LAB_RUN/nodes/$node/frr"/*.pid; do
    [[ -e $pidfile ]] && kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
  done
}

# lab_vtysh NODE CMD... — one vtysh call per argument list, e.g. lab_vtysh R1 -c 'show ip pim neighbor'.
# vtysh's complaint about the missing per-instance /etc/frr/<ns>/vtysh.conf is dropped; other errors are kept.
lab_vtysh() {
  local node=$1; shift
  lab_exec "$node" vtysh -N "$(lab_ns "$node")" "$@" 2> >(grep -v "^% Can't open configuration file" >&2)
}

# lab_frr_config NODE DETAIL LINE... — change a router's running config through vtysh and record it.
lab_frr_config() {
  local node=$1 detail=$2 line args=(-c 'configure terminal')
  shift 2
  for line in "$@"; do args+=(-c "$line"); done
  lab_event "$node" set-config "detail=$detail"
  lab_vtysh "$node" "${args[@]}" >/dev/null
}

# lab_member_start HOST — start samples/lab/member.mjs in HOST, reading commands from a FIFO.
lab_member_start() {
  local host=$1 fifo
  fifo="$LAB_RUN/nodes/$host/member.fifo"
  rm -f "$fifo"; mkfifo "$fifo"
  ip netns exec "$(lab_ns "$host")" node "$LAB_LIB_DIR/member.mjs" --fifo "$fifo" >"$LAB_RUN/nodes/$host/member.log" 2>&1 &
  echo $! >"$LAB_RUN/nodes/$host/member.pid"
  local tries=0
  until grep -q '^ready' "$LAB_RUN/nodes/$host/member.log" 2>/dev/null || (( ++tries > 50 )); do sleep 0.1; done
}

# lab_member HOST join G [IFACE_ADDR] | leave G [IFACE_ADDR] | join-source S G [IFACE_ADDR] | leave-source S G ...
# IFACE_ADDR: the IPv4 address of the interface, or "::%eth0" style for IPv6 (default: the kernel's choice).
lab_member() {
  local host=$1 cmd=$2 source="" group action
  shift 2
  case $cmd in
    join|leave) group=$1; action=$cmd ;;
    join-source|leave-source) source=$1; group=$2; action=${cmd%-source} ;;
    *) lab_die "member command $cmd" ;;
  esac
  if [[ -n $source ]]; then
    lab_event "$host" "$action" "group=$group" "source=$source" "detail=$cmd $*"
  else
    lab_event "$host" "$action" "group=$group" "detail=$cmd $*"
  fi
  printf '%s %s\n' "$cmd" "$*" >"$LAB_RUN/nodes/$host/member.fifo"
}

# lab_sender_start ID NODE send.mjs-ARGS... — a multicast sender in NODE; ID names it for lab_sender_stop.
lab_sender_start() {
  local id=$1 node=$2 group="" i
  shift 2
  local args=("$@")
  for ((i = 0; i < ${#args[@]}; i++)); do [[ ${args[i]} == --group ]] && group=${args[i + 1]}; done
  lab_event "$node" start-sender "group=$group" "detail=$id ${args[*]}"
  ip netns exec "$(lab_ns "$node")" node "$LAB_LIB_DIR/send.mjs" "${args[@]}" >"$LAB_RUN/nodes/$node/send-$id.log" 2>&1 &
  echo "$! $node $group" >"$LAB_RUN/sender-$id"
}

lab_sender_stop() {
  local id=$1 pid node group
  read -r pid node group <"$LAB_RUN/sender-$id"
  lab_event "$node" stop-sender "group=$group" "detail=$id"
  kill -TERM "$pid" 2>/dev/null || true
  rm -f "$LAB_RUN/sender-$id"
}

# lab_wait SECONDS [WHY] — a scripted pause, logged.
# The sleep runs in the background so that a TERM/INT trap fires at once instead of after the sleep.
lab_wait() { lab_log "wait $1 s${2:+ ($2)}"; sleep "$1" & wait $!; }

# lab_wait_until TIMEOUT WHY COMMAND... — rerun COMMAND every 0.5 s until it succeeds; fail after TIMEOUT seconds.
lab_wait_until() {
  local timeout=$1 why=$2 deadline
  shift 2
  deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || lab_die "timed out after $timeout s waiting for: $why"
    sleep 0.5 & wait $!
  done
  lab_log "ready: $why"
}

# lab_checkpoint NN LABEL — dump every router's vtysh state and kernel mroutes and every host's /proc membership
# files into truth/checkpoint-NN.json. All nodes are read in parallel, and all of a router's JSON commands go through
# one vtysh call (their outputs are consecutive JSON documents), so the snapshot spans about a second.
lab_checkpoint() {
  local nn label start duration
  nn=$(printf '%02d' "$1"); label=$2
  start=$(lab_now)
  lab_event lab checkpoint "checkpoint:n=$((10#$nn))" "detail=$label" "--time=$start"
  duration=$(python3 - "$LAB_OUT/truth/checkpoint-$nn.json" "$((10#$nn))" "$label" "$start" \
    "$(lab_nodes_of router | while read -r n; do printf '%s=%s ' "$n" "$(lab_ns "$n")"; done)" \
    "$(lab_nodes_of host | while read -r n; do printf '%s=%s ' "$n" "$(lab_ns "$n")"; done)" \
    "$(printf '%s\n' "${LAB_VTYSH_CMDS[@]}")" "$(printf '%s\n' "${LAB_HOST_FILES[@]}")" <<'PY'
import json, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
out, nn, label, start, routers, hosts, commands, host_files = sys.argv[1:]
pairs = lambda text: [item.split('=', 1) for item in text.split()]
commands = [c for c in commands.splitlines() if c]
host_files = [f for f in host_files.splitlines() if f]
json_commands = [c for c in commands if c.endswith(' json')]
text_commands = [c for c in commands if not c.endswith(' json')]
SEPARATOR = '\x00mcast-lab-file '

def run(args):
    return subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True).stdout

def vtysh(ns, *cmds):
    args = ['ip', 'netns', 'exec', ns, 'vtysh', '-N', ns]
    for c in cmds:
        args += ['-c', c]
    return run(args)

def read_router(ns):
    # One vtysh session at a time per router (pimd 8.4 has crashed under many concurrent vty sessions).
    out = {'json': vtysh(ns, *json_commands) if json_commands else ''}
    for c in text_commands:
        out[c] = vtysh(ns, c)
    out['kernel mroute'] = run(['ip', 'netns', 'exec', ns, 'ip', 'mroute', 'show'])
    out['kernel mroute6'] = run(['ip', 'netns', 'exec', ns, 'ip', '-6', 'mroute', 'show'])
    return out

def read_host(ns):
    script = 'for f; do printf "\\000mcast-lab-file %s\\n" "$f"; cat "$f"; done'
    return run(['ip', 'netns', 'exec', ns, 'sh', '-c', script, 'sh', *host_files])

with ThreadPoolExecutor(max_workers=16) as pool:
    router_jobs = {name: pool.submit(read_router, ns) for name, ns in pairs(routers)}
    host_jobs = {name: pool.submit(read_host, ns) for name, ns in pairs(hosts)}
    router_results = {name: job.result() for name, job in router_jobs.items()}
    host_results = {name: job.result() for name, job in host_jobs.items()}

def split_json(text):
    decoder, values, i = json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return values
        try:
            value, i = decoder.raw_decode(text, i)
        except ValueError:
            return values
        values.append(value)

doc_routers = {}
for name, ns in pairs(routers):
    state = router_results[name]
    values = split_json(state.pop('json'))
    if len(values) != len(json_commands):
        # A command this FRR does not know stops the batch: fall back to one call per command.
        for c in json_commands:
            text = vtysh(ns, c)
            parsed = split_json(text)
            state[c] = parsed[0] if len(parsed) == 1 else text
    else:
        state.update(zip(json_commands, values))
    doc_routers[name] = {c: state[c] for c in commands + ['kernel mroute', 'kernel mroute6']}
doc_hosts = {}
for name, _ in pairs(hosts):
    files = {}
    for chunk in host_results[name].split(SEPARATOR)[1:]:
        path, _, body = chunk.partition('\n')
        files[path] = body
    doc_hosts[name] = files
doc = {"checkpoint": int(nn), "label": label, "timeStart": float(start), "timeEnd": round(time.time(), 6),
       "routers": doc_routers, "hosts": doc_hosts}
def dumps(value, level=0):
    """Indented down to one line per router command / host file, compact below that."""
    if level >= 3 or not isinstance(value, dict) or not value:
        return json.dumps(value)
    pad = ' ' * (level + 1)
    items = [f'{pad}{json.dumps(key)}: {dumps(item, level + 1)}' for key, item in value.items()]
    return '{\n' + ',\n'.join(items) + '\n' + ' ' * level + '}'
with open(out, 'w') as f:
    f.write(dumps(doc) + '\n')
print(f'{doc["timeEnd"] - doc["timeStart"]:.2f}')
PY
)
  lab_log "checkpoint $nn ($label) in $duration s"
}

# lab_topology [RP_JSON] — topology.json from the namespaces as they are (MACs and addresses read with ip -j).
lab_topology() {
  local rp=${1:-null} node kind rid ifname link dir="$LAB_RUN/topology"
  rm -rf "$dir"; mkdir -p "$dir"
  while IFS=$'\t' read -r node ifname link; do
    lab_exec "$node" ip -j addr show dev "$ifname" >"$dir/$node.$ifname.json"
  done <"$LAB_RUN/ports.tsv"
  python3 - "$LAB_SCENARIO" "$LAB_RUN" "$rp" "$LAB_OUT/topology.json" <<'PY'
import json, os, sys
scenario, run, rp, out = sys.argv[1:]
def rows(name):
    with open(os.path.join(run, name)) as f:
        return [line.rstrip('\n').split('\t') for line in f if line.strip()]
ports = rows('ports.tsv')
nodes = []
for name, kind, router_id in rows('nodes.tsv'):
    node = {"name": name, "kind": kind}
    if router_id:
        node["routerId"] = router_id
    node["interfaces"] = []
    for port_node, ifname, link in ports:
        if port_node != name:
            continue
        with open(os.path.join(run, 'topology', f'{name}.{ifname}.json')) as f:
            info = json.load(f)[0]
        addrs = info.get('addr_info', [])
        node["interfaces"].append({
            "name": ifname, "link": link, "mac": info.get('address'),
            "ipv4": [f"{a['local']}/{a['prefixlen']}" for a in addrs if a['family'] == 'inet'],
            "ipv6": [f"{a['local']}/{a['prefixlen']}" for a in addrs if a['family'] == 'inet6'],
        })
    nodes.append(node)
links = [{"name": name, "kind": kind} for name, kind in rows('links.tsv')]
doc = {"scenario": scenario, "nodes": nodes, "links": links, "rp": json.loads(rp)}
with open(out, 'w') as f:
    json.dump(doc, f, indent=1)
    f.write('\n')
PY
  lab_log "topology.json written"
}

# lab_finish — stop hosts, senders and routers (their goodbyes are captured), then the captures; copy the captures
# into the scenario directory (gzipped above LAB_GZIP_ABOVE bytes) and count them with tshark.
lab_finish() {
  local pidfile f node
  for pidfile in "$LAB_RUN"/nodes/*/member.pid; do
    [[ -e $pidfile ]] && kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
  done
  for pidfile in "$LAB_RUN"/nodes/*/member.pid; do
    [[ -e $pidfile ]] && { wait "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; }
  done
  for f in "$LAB_RUN"/sender-*; do
    [[ -e $f ]] && lab_sender_stop "${f##*/sender-}"
  done
  for node in $(lab_nodes_of router); do lab_frr_stop "$node"; done
  lab_wait 3 "goodbyes on the wire"
  lab_capture_stop
  for f in "$LAB_RUN"/capture/*.pcap "$LAB_RUN/capture/$LAB_SCENARIO.pcapng"; do
    local dest="$LAB_OUT/pcap/${f##*/}"
    [[ $f == *.pcapng ]] && dest="$LAB_OUT/${f##*/}"
    if (( $(stat -c %s "$f") > LAB_GZIP_ABOVE )); then gzip -9 -n -c "$f" >"$dest.gz"
    else cp "$f" "$dest"; fi
    chmod 644 "$dest"*
  done
  python3 "$LAB_SAMPLES_DIR/tools/tshark-counts.py" "$LAB_OUT"
  lab_log "outputs in $LAB_OUT: $(du -sh "$LAB_OUT" | cut -f1)"
}
