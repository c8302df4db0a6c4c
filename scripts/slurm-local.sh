#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the grid tests and for trying `workbench grid submit`.
#
#   scripts/slurm-local.sh start    install slurm-wlm + munge with apt when missing, start munged, slurmctld, slurmd;
#                                   wait until `sinfo` shows this host idle
#   scripts/slurm-local.sh stop     stop the daemons this script started
#   scripts/slurm-local.sh status   print `sinfo` (exit 1 when the cluster does not answer)
#
# Needs root (the daemons run as root, munged as the munge user). The node is this host (`hostname -s`) with
# CPUs = the cores of this machine; state, spool, logs and pid files live under $SLURM_LOCAL_DIR
# (default /tmp/metric-workbench-slurm). The configuration is written to /etc/slurm/slurm.conf, where every Slurm
# command finds it, but only when that file is absent or was written by this script: a real cluster's
# configuration is never replaced.
set -euo pipefail

DIR="${SLURM_LOCAL_DIR:-/tmp/metric-workbench-slurm}"
CONF=/etc/slurm/slurm.conf
MARK='# written by metric-workbench scripts/slurm-local.sh'
HOST="$(hostname -s)"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

say() { echo "slurm-local: $*"; }

install_packages() {
  local missing=()
  command -v slurmctld >/dev/null 2>&1 || missing+=(slurm-wlm)
  command -v munged >/dev/null 2>&1 || missing+=(munge)
  [ "${#missing[@]}" -eq 0 ] && return 0
  say "installing ${missing[*]} with apt"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -y
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
}

start_munge() {
  if [ ! -s /etc/munge/munge.key ]; then
    say "creating a munge key"
    $SUDO mkdir -p /etc/munge
    $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
  $SUDO chown -R munge:munge /etc/munge
  $SUDO chmod 700 /etc/munge
  $SUDO chmod 400 /etc/munge/munge.key
  $SUDO mkdir -p /run/munge /var/lib/munge /var/log/munge
  $SUDO chown munge:munge /run/munge /var/lib/munge /var/log/munge
  $SUDO chmod 755 /run/munge
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return 0; fi
  say "starting munged"
  if [ -z "$SUDO" ]; then su -s /bin/sh munge -c /usr/sbin/munged; else sudo -u munge /usr/sbin/munged; fi
  for _ in $(seq 1 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  say "munged did not start"; return 1
}

write_conf() {
  if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    say "$CONF exists and was not written by this script; leaving it alone"
    return 0
  fi
  local cpus; cpus="$(nproc)"
  $SUDO mkdir -p /etc/slurm "$DIR/state" "$DIR/spool" "$DIR/log"
  $SUDO tee "$CONF" >/dev/null <<CONF
$MARK
ClusterName=workbench-local
SlurmctldHost=$HOST
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=$HOST CPUs=$cpus RealMemory=1024 State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
}

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_idle() { sinfo -h -n "$HOST" -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; }

start() {
  install_packages
  start_munge
  write_conf
  # (pid files rather than pgrep: a fresh machine may have no procps)
  if ! alive "$DIR/slurmctld.pid"; then say "starting slurmctld"; $SUDO /usr/sbin/slurmctld; fi
  if ! alive "$DIR/slurmd.pid"; then say "starting slurmd"; $SUDO /usr/sbin/slurmd; fi
  for _ in $(seq 1 120); do
    if node_idle; then say "node $HOST is up:"; sinfo; return 0; fi
    # A node that was down in an earlier life of the cluster comes back with `resume`.
    if sinfo -h -n "$HOST" -o '%T' 2>/dev/null | grep -Eq '^(down|drain|unknown)'; then
      $SUDO scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true
    fi
    sleep 0.5
  done
  say "the node did not become idle within 60 s; logs in $DIR/log"
  sinfo || true
  return 1
}

stop_pidfile() {
  local name="$1" file="$2" pid
  [ -s "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping $name ($pid)"
    $SUDO kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  fi
}

stop() {
  stop_pidfile slurmd "$DIR/slurmd.pid"
  stop_pidfile slurmctld "$DIR/slurmctld.pid"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
