# shellcheck shell=bash
# samples/lab/pimd.sh — troglobit pimd (Debian package pimd 2.3.2) routers for the lab framework, sourced after
# lib.sh by a scenario's run.sh. It replaces lib.sh's FRR parts for such routers: starting and stopping them, and the
# checkpoint dump (pimd has no vtysh: its state is the SIGUSR1 dump that `pimd -r` shows).
#
# One pimd per router namespace. pimd 2.3.2 keeps fixed runtime paths: its pid file /var/run/pimd.pid (read by
# `pimd -r/-l/-q`) and its dump /var/run/pimd/pimd.dump (written on SIGUSR1); /var/run is /run here. So each router
# gets its own mount namespace with a private tmpfs on /run, held open by a "holder" process (sleep) that lives in
# the router's network namespace: pimd runs in it through nsenter, and the dump is read through the holder's
# /proc/PID/root. `pimd -r` itself removes the dump, signals, waits 200 µs and cats the file, which races with the
# daemon's main loop; pimd_dump does the same without the race (waits until the file is complete).
#
#   pimd_start NODE CONFFILE [pimd options]   # pimd -f (foreground) with the config; debug log to
#                                             # $LAB_RUN/nodes/NODE/pimd.log (PIMD_DEBUG subsystems, see pimd -h)
#   pimd_stop NODE                            # SIGTERM: pimd sends goodbye hellos (holdtime 0) and quits
#   pimd_kill NODE                            # SIGKILL: no goodbye
#   pimd_dump NODE                            # the dump (virtual interface table, SSM groups, multicast routing table)
#   pimd_reload NODE DETAIL                   # SIGHUP: pimd restarts and rereads its config (recorded)
#   mld_querier_start NODE IFACE [ARGS]       # samples/lab/mld-querier.py (pimd is IPv4 only), dumped at checkpoints
#   pimd_checkpoint NN LABEL                  # truth/checkpoint-NN.json (format below)
#   pimd_topology RP_JSON                     # lab_topology, marked "vendor": "pimd" (the accuracy code picks
#                                             # its truth parser by it)
#
# Checkpoint format (lib.sh's, with pimd commands instead of vtysh ones): routers: {R: {"pimd -r": dump text,
# "kernel mroute": `ip mroute show`, "kernel mroute6": `ip -6 mroute show`, "/proc/net/ip_mr_cache": text,
# "/proc/net/ip_mr_vif": text}}, hosts: {H: {"/proc/net/igmp": text, ...}}, queriers: {Q: mld-querier.py state or
# null}. A router whose pimd is not running has "pimd -r": null.

PIMD_BIN=${PIMD_BIN:-/usr/sbin/pimd}
PIMD_DEBUG=${PIMD_DEBUG:-pim_hello,pim_jp,pim_register,pim_bsr,pim_cand_rp,pim_asserts,igmp_proto,pim_rpf}
LAB_VTYSH_CMDS=()
PIMD_ROUTER_FILES=(/proc/net/ip_mr_cache /proc/net/ip_mr_vif)

# pimd_holder NODE — the pid of the process holding NODE's private mount namespace (started on first use).
pimd_holder() {
  local node=$1 dir="$LAB_RUN/nodes/$1" tries=0
  if [[ ! -e $dir/holder.pid ]] || ! kill -0 "$(cat "$dir/holder.pid")" 2>/dev/null; then
    rm -f "$dir/holder.pid"
    ip netns exec "$(lab_ns "$node")" unshare --mount --propagation private \
      sh -c 'mount -t tmpfs -o mode=0755 pimd-run /run && echo $$ >"$1" && exec sleep infinity' sh "$dir/holder.pid" \
      >/dev/null 2>&1 &
    until [[ -s $dir/holder.pid ]] || (( ++tries > 50 )); do sleep 0.1; done
    [[ -s $dir/holder.pid ]] || lab_die "no mount namespace holder for $node"
  fi
  cat "$dir/holder.pid"
}

pimd_start() {
  local node=$1 conf=$2 holder dir="$LAB_RUN/nodes/$1"
  shift 2
  holder=$(pimd_holder "$node")
  cp "$conf" "$dir/pimd.conf"
  lab_event "$node" start-router "detail=pimd $($PIMD_BIN -v 2>&1 | head -1) -f -c ${conf#"$LAB_SAMPLES_DIR/"} $*"
  nsenter -t "$holder" -m -n "$PIMD_BIN" -f -c "$dir/pimd.conf" --debug="$PIMD_DEBUG" "$@" >>"$dir/pimd.log" 2>&1 &
  echo $! >"$dir/pimd.pid"
}

pimd_running() { [[ -e $LAB_RUN/nodes/$1/pimd.pid ]] && kill -0 "$(cat "$LAB_RUN/nodes/$1/pimd.pid")" 2>/dev/null; }

pimd_stop() {
  local node=$1 pidfile="$LAB_RUN/nodes/$1/pimd.pid" pid tries=0
  [[ -e $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  lab_event "$node" stop-router "detail=pimd SIGTERM (goodbye hellos)"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( ++tries < 50 )); do sleep 0.1; done
  rm -f "$pidfile"
}

pimd_kill() {
  local node=$1 pidfile="$LAB_RUN/nodes/$1/pimd.pid"
  lab_event "$node" stop-router "detail=pimd SIGKILL (no goodbye: neighbors keep it for the hello holdtime)"
  kill -KILL "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

pimd_reload() {
  local node=$1 detail=$2
  lab_event "$node" set-config "detail=$detail"
  kill -HUP "$(cat "$LAB_RUN/nodes/$node/pimd.pid")"
}

# pimd_dump NODE — print the dump pimd writes on SIGUSR1 (what `pimd -r` shows).
pimd_dump() {
  python3 "$LAB_LIB_DIR/pimd-checkpoint.py" --dump "$(cat "$LAB_RUN/nodes/$1/pimd.pid")" \
    "/proc/$(pimd_holder "$1")/root/run/pimd/pimd.dump"
}

# lab_finish stops routers through lab_frr_stop: here they are pimd (and mld-querier.py) processes.
lab_frr_stop() {
  pimd_stop "$1"
  local pidfile="$LAB_RUN/nodes/$1/querier.pid"
  if [[ -e $pidfile ]]; then
    lab_event "$1" stop-querier "detail=mld-querier.py stopped (SIGTERM; MLD has no goodbye)"
    kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}

# mld_querier_start NODE IFACE [mld-querier.py ARGS] — an MLD querier on one interface of NODE; its log (one JSON line
# per query sent, record heard, role change) goes to truth/querier-NODE.jsonl.
mld_querier_start() {
  local node=$1 iface=$2
  shift 2
  lab_event "$node" start-querier "detail=mld-querier.py --iface $iface $*"
  ip netns exec "$(lab_ns "$node")" /usr/bin/python3 "$LAB_LIB_DIR/mld-querier.py" --iface "$iface" \
    --state "$LAB_RUN/nodes/$node/querier.json" "$@" >>"$LAB_OUT/truth/querier-$node.jsonl" \
    2>>"$LAB_RUN/nodes/$node/querier.err" &
  echo $! >"$LAB_RUN/nodes/$node/querier.pid"
  printf '%s\n' "$iface" >"$LAB_RUN/nodes/$node/querier.iface"
}

# pimd_checkpoint NN LABEL — every router's pimd dump, kernel multicast routing state, every host's /proc membership
# files and every MLD querier's state, read in parallel, into truth/checkpoint-NN.json.
pimd_checkpoint() {
  local nn label start duration node args=()
  nn=$(printf '%02d' "$1"); label=$2
  for node in $(lab_nodes_of router); do
    local pid="" holder="" qpid=""
    [[ -e $LAB_RUN/nodes/$node/pimd.pid ]] && pid=$(cat "$LAB_RUN/nodes/$node/pimd.pid")
    [[ -e $LAB_RUN/nodes/$node/holder.pid ]] && holder=$(cat "$LAB_RUN/nodes/$node/holder.pid")
    [[ -e $LAB_RUN/nodes/$node/querier.pid ]] && qpid=$(cat "$LAB_RUN/nodes/$node/querier.pid")
    args+=("router=$node=$(lab_ns "$node")=${pid:--}=${holder:--}=${qpid:--}=$LAB_RUN/nodes/$node/querier.json")
  done
  for node in $(lab_nodes_of host); do args+=("host=$node=$(lab_ns "$node")"); done
  start=$(lab_now)
  lab_event lab checkpoint "checkpoint:n=$((10#$nn))" "detail=$label" "--time=$start"
  duration=$(python3 "$LAB_LIB_DIR/pimd-checkpoint.py" "$LAB_OUT/truth/checkpoint-$nn.json" "$((10#$nn))" "$label" \
    "$start" "$(printf '%s\n' "${LAB_HOST_FILES[@]}")" "$(printf '%s\n' "${PIMD_ROUTER_FILES[@]}")" "${args[@]}")
  lab_log "checkpoint $nn ($label) in $duration s"
}

# member_block_start HOST — samples/lab/member-block.py instead of member.mjs (same FIFO, so lab_member works too):
# a listener that can block sources (IGMPv3 EXCLUDE with a source list).
member_block_start() {
  local host=$1 fifo="$LAB_RUN/nodes/$1/member.fifo" tries=0
  rm -f "$fifo"; mkfifo "$fifo"
  ip netns exec "$(lab_ns "$host")" python3 "$LAB_LIB_DIR/member-block.py" --fifo "$fifo" \
    >"$LAB_RUN/nodes/$host/member.log" 2>&1 &
  echo $! >"$LAB_RUN/nodes/$host/member.pid"
  until grep -q ' ready$' "$LAB_RUN/nodes/$host/member.log" 2>/dev/null || (( ++tries > 50 )); do sleep 0.1; done
}

# member_block HOST block|unblock S G [IFACE_ADDR] — a source filter change on a member-block.py host, recorded as a
# "block"/"unblock" event with group and source.
member_block() {
  local host=$1 cmd=$2 source=$3 group=$4
  shift 4
  lab_event "$host" "$cmd" "group=$group" "source=$source" "detail=$cmd $source $group $*"
  printf '%s %s %s %s\n' "$cmd" "$source" "$group" "$*" >"$LAB_RUN/nodes/$host/member.fifo"
}

# pimd_topology RP_JSON — lab_topology's topology.json, with the routers' vendor and version first.
pimd_topology() {
  lab_topology "$1"
  local version
  version="pimd $($PIMD_BIN -v 2>&1 | head -1 | awk '{print $NF}') (Debian $(dpkg-query -W -f='${Version}' pimd 2>/dev/null))"
  python3 - "$LAB_OUT/topology.json" "$version" <<'PY'
import json, sys
path, version = sys.argv[1:]
doc = json.load(open(path))
doc = {"scenario": doc["scenario"], "vendor": "pimd", "vendorVersion": version, **doc}
with open(path, 'w') as f:
    json.dump(doc, f, indent=1)
    f.write('\n')
PY
}
