#!/usr/bin/env python3
"""The checkpoint dump of samples/lab/pimd.sh (pimd_checkpoint): lib.sh's checkpoint format with pimd routers.

  pimd-checkpoint.py OUT N LABEL START HOST_FILES ROUTER_FILES router=NAME=NS=PIMD_PID=HOLDER_PID=QUERIER_PID=STATE ...
                     host=NAME=NS ...
  pimd-checkpoint.py --dump PIMD_PID DUMP_PATH     print one router's dump

Per router: "pimd -r" (the SIGUSR1 dump, read through the mount-namespace holder's /proc/PID/root; null when pimd
is not running), "kernel mroute" / "kernel mroute6" (ip mroute show / ip -6 mroute show) and ROUTER_FILES (the
kernel's /proc/net/ip_mr_cache and ip_mr_vif). Per host: HOST_FILES. Per router running mld-querier.py: its state
(SIGUSR1 → JSON file) under "queriers". Every node is read in parallel; timeStart/timeEnd bracket the whole dump.
"""
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

DUMP_END = '-' * 78 + '\n\n'  # the last line pimd's dump_pim_mrt() writes
SEPARATOR = '\x00mcast-lab-file '


def read_dump(pid, path, timeout=5.0):
    """Signal pimd and wait for its dump to be complete (pimd writes it from its main loop, then closes it)."""
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
    try:
        os.kill(pid, signal.SIGUSR1)
    except ProcessLookupError:
        return None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                text = f.read()
            if text.endswith(DUMP_END):
                return text
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    return text if 'text' in locals() else None


def run(args):
    return subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True).stdout


def cat_files(ns, files):
    script = 'for f; do printf "\\000mcast-lab-file %s\\n" "$f"; cat "$f"; done'
    text = run(['ip', 'netns', 'exec', ns, 'sh', '-c', script, 'sh', *files])
    result = {}
    for chunk in text.split(SEPARATOR)[1:]:
        path, _, body = chunk.partition('\n')
        result[path] = body
    return result


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except (ProcessLookupError, ValueError):
        return False


def read_router(spec, router_files):
    name, ns, pid, holder, qpid, state = spec
    out = {}
    if pid != '-' and holder != '-' and alive(int(pid)):
        out['pimd -r'] = read_dump(int(pid), f'/proc/{holder}/root/run/pimd/pimd.dump')
    else:
        out['pimd -r'] = None
    out['kernel mroute'] = run(['ip', 'netns', 'exec', ns, 'ip', 'mroute', 'show'])
    out['kernel mroute6'] = run(['ip', 'netns', 'exec', ns, 'ip', '-6', 'mroute', 'show'])
    out.update(cat_files(ns, router_files))
    querier = None
    if qpid != '-' and alive(int(qpid)):
        try:
            os.remove(state)
        except FileNotFoundError:
            pass
        os.kill(int(qpid), signal.SIGUSR1)
        for _ in range(50):
            if os.path.exists(state):
                with open(state) as f:
                    querier = json.load(f)
                break
            time.sleep(0.05)
    return out, querier, qpid != '-'


def dumps(value, level=0):
    """Indented down to one line per router command / host file, compact below that."""
    if level >= 3 or not isinstance(value, dict) or not value:
        return json.dumps(value)
    pad = ' ' * (level + 1)
    items = [f'{pad}{json.dumps(key)}: {dumps(item, level + 1)}' for key, item in value.items()]
    return '{\n' + ',\n'.join(items) + '\n' + ' ' * level + '}'


def main():
    if sys.argv[1] == '--dump':
        text = read_dump(int(sys.argv[2]), sys.argv[3])
        sys.stdout.write(text or '')
        return
    out, nn, label, start, host_files, router_files, *specs = sys.argv[1:]
    host_files = [f for f in host_files.splitlines() if f]
    router_files = [f for f in router_files.splitlines() if f]
    routers = [spec.split('=', 7)[1:] for spec in specs if spec.startswith('router=')]
    hosts = [spec.split('=', 2)[1:] for spec in specs if spec.startswith('host=')]
    with ThreadPoolExecutor(max_workers=16) as pool:
        router_jobs = {spec[0]: pool.submit(read_router, spec, router_files) for spec in routers}
        host_jobs = {name: pool.submit(cat_files, ns, host_files) for name, ns in hosts}
        router_results = {name: job.result() for name, job in router_jobs.items()}
        host_results = {name: job.result() for name, job in host_jobs.items()}
    doc = {'checkpoint': int(nn), 'label': label, 'timeStart': float(start), 'timeEnd': round(time.time(), 6),
           'vendor': 'pimd',
           'routers': {name: result[0] for name, result in router_results.items()},
           'hosts': host_results}
    queriers = {name: result[1] for name, result in router_results.items() if result[2]}
    if queriers:
        doc['queriers'] = queriers
    with open(out, 'w') as f:
        f.write(dumps(doc) + '\n')
    print(f'{doc["timeEnd"] - doc["timeStart"]:.2f}')


main()
