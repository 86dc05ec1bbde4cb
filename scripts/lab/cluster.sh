#!/usr/bin/env bash
# A lab cluster of real OpenSSH sshd "nodes" on this one machine, for scripts/bench and for trying
# the product against the SSH server real clusters run. Needs root, openssh-server, unshare.
#
# Node i listens on 127.0.0.(IPBASE+i):22 (IPBASE defaults to 10) inside its own mount namespace,
# where /var/www/html, /etc/clusterserver and /etc/tlclb are bind-mounted from
# $LAB/node$i/{www,etc,lic}; everything else is this machine's filesystem, so only ever push to
# one of those three paths. Two labs with different LAB and IPBASE can run at once.
#
# Usage: cluster.sh up N | down | status | wipe | stop I | start I | relay MS
#   up N      start N nodes; writes $LAB/id_ed25519 (client key), $LAB/known_hosts, $LAB/servers
#   relay MS  put a relay in front of every node that delays each byte MS/2 ms each way
#             (delayproxy.py; this kernel has no netem): node i is then also reachable at
#             127.0.0.(IPBASE+i):$RELAY_PORT (default 2222) with a round trip of MS ms; the
#             relays' pids go to $LAB/relay<i>.pid, known_hosts gains the [addr]:port entries
#   down      stop every node and relay of this LAB
set -euo pipefail
LAB=${LAB:-${TMPDIR:-/tmp}/tlclb-lab}
IPBASE=${IPBASE:-10}
RELAY_PORT=${RELAY_PORT:-2222}
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
cmd=${1:-status}
mkdir -p "$LAB"

setup_keys() {
  [ -f "$LAB/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C lab -f "$LAB/id_ed25519"
  [ -f "$LAB/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C labhost -f "$LAB/host_ed25519"
  cp "$LAB/id_ed25519.pub" "$LAB/authorized_keys"; chmod 600 "$LAB/authorized_keys"
  mkdir -p /run/sshd /var/www/html /etc/clusterserver /etc/tlclb
  cat > "$LAB/sshd_config" <<CFG
HostKey $LAB/host_ed25519
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile $LAB/authorized_keys
StrictModes no
Subsystem sftp /usr/lib/openssh/sftp-server
MaxStartups 200:30:400
MaxSessions ${MAX_SESSIONS:-50}
LogLevel ERROR
CFG
}

start_node() {
  local ip=127.0.0.$((IPBASE+$1)) d=$LAB/node$1
  mkdir -p "$d/www" "$d/etc" "$d/lic"
  if ! [ -f "$d/pid" ] || ! kill -0 "$(cat "$d/pid")" 2>/dev/null; then
    # Not a process group leader, so setsid does not fork: $! is the sshd listener itself
    # (scripts/bench reads the CPU time of its process tree from /proc/$!/stat).
    setsid unshare -m --propagation private sh -c "mount --bind $d/www /var/www/html && mount --bind $d/etc /etc/clusterserver && mount --bind $d/lic /etc/tlclb && exec /usr/sbin/sshd -D -f $LAB/sshd_config -o ListenAddress=$ip:22 -o PidFile=none" >"$d/log" 2>&1 &
    echo $! > "$d/pid"
  fi
}

# Kill a process and all its descendants (a node's sessions outlive its listener otherwise).
kill_tree() {
  local pid=$1 c
  for c in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kill_tree "$c"; done
  kill -9 "$pid" 2>/dev/null || true
}

nodes() { local p; for p in "$LAB"/node*/pid; do [ -f "$p" ] || continue; p=${p%/pid}; echo "${p##*node}"; done | sort -n; }

case "$cmd" in
up)
  n=${2:-4}; setup_keys; : > "$LAB/known_hosts"; : > "$LAB/servers"
  for i in $(seq 1 "$n"); do
    start_node "$i"
    echo "127.0.0.$((IPBASE+i)) $(cut -d' ' -f1,2 "$LAB/host_ed25519.pub")" >> "$LAB/known_hosts"
    echo "127.0.0.$((IPBASE+i))" >> "$LAB/servers"
  done
  sleep 1
  for i in $(seq 1 "$n"); do ip=127.0.0.$((IPBASE+i))
    ssh -i "$LAB/id_ed25519" -o UserKnownHostsFile="$LAB/known_hosts" -o BatchMode=yes "root@$ip" true || { echo "node $i down"; exit 1; }
  done
  echo "up: $n nodes; key $LAB/id_ed25519, known_hosts $LAB/known_hosts, list $LAB/servers";;
relay)
  ms=${2:?relay needs a round trip in ms}
  [[ $ms =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "relay: round trip must be a number of ms" >&2; exit 2; }
  half=$(awk -v m="$ms" 'BEGIN { printf "%g", m / 2 }')
  for i in $(nodes); do ip=127.0.0.$((IPBASE+i))
    p=$LAB/relay$i.pid
    if [ -f "$p" ]; then kill "$(cat "$p")" 2>/dev/null || true; fi
    python3 "$HERE/delayproxy.py" "$half" "$ip:$RELAY_PORT=$ip:22" >"$LAB/relay$i.log" 2>&1 &
    echo $! > "$p"
    grep -qF "[$ip]:$RELAY_PORT " "$LAB/known_hosts" ||
      echo "[$ip]:$RELAY_PORT $(cut -d' ' -f1,2 "$LAB/host_ed25519.pub")" >> "$LAB/known_hosts"
  done
  for i in $(nodes); do ip=127.0.0.$((IPBASE+i))
    # python3 takes a moment to start on a busy machine: wait (up to 10 s) for the relay's port
    for _ in $(seq 1 100); do timeout 1 bash -c "exec 3<>/dev/tcp/$ip/$RELAY_PORT" 2>/dev/null && break; sleep 0.1; done
    ssh -p "$RELAY_PORT" -i "$LAB/id_ed25519" -o UserKnownHostsFile="$LAB/known_hosts" -o BatchMode=yes "root@$ip" true ||
      { echo "relay to node $i down"; exit 1; }
  done
  echo "relay: round trip $ms ms to every node at port $RELAY_PORT";;
stop) p=$LAB/node$2/pid
  if [ -f "$p" ]; then kill_tree "$(cat "$p")"; fi; rm -f "$p"; sleep 0.3;;
start) setup_keys; start_node "$2"; sleep 0.5;;
down)
  for p in "$LAB"/relay*.pid; do [ -f "$p" ] || continue; kill "$(cat "$p")" 2>/dev/null || true; rm -f "$p"; done
  for p in "$LAB"/node*/pid; do [ -f "$p" ] || continue; kill_tree "$(cat "$p")"; rm -f "$p"; done; echo down;;
status)
  for p in "$LAB"/node*/pid "$LAB"/relay*.pid; do [ -f "$p" ] || continue; echo "$p $(kill -0 "$(cat "$p")" 2>/dev/null && echo up || echo dead)"; done;;
wipe)
  for d in "$LAB"/node*/; do find "$d/www" "$d/etc" "$d/lic" -mindepth 1 -delete 2>/dev/null || true; done;;
*) echo "usage: cluster.sh up N | down | status | wipe | stop I | start I | relay MS" >&2; exit 2;;
esac
