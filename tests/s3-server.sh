#!/usr/bin/env bash
# A throwaway single-node Ceph cluster with a radosgw S3 endpoint on 127.0.0.1, for the S3 tests and
# the s3 benchmark step. Everything (config, keyrings, monitor and OSD data, logs, pid files) lives in
# one folder; the OSD keeps objects in memory (memstore).
#
#   tests/s3-server.sh start DIR   starts the cluster in DIR (created) and writes DIR/env, a file of
#                                  `export KEEPSAKE_TEST_S3_ENDPOINT=... _ACCESS_KEY=... _SECRET_KEY=...`
#                                  (and _CONF, the cluster's ceph.conf, for radosgw-admin)
#   tests/s3-server.sh stop DIR    stops the daemons by their pid files and removes DIR
#
# Needs Debian's radosgw, ceph-mon, ceph-osd and ceph-common. KEEPSAKE_S3_MEMSTORE_BYTES sizes the
# OSD (default 6 GiB: the tests store a few hundred MiB, the benchmark up to about 2 GiB, twice over).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

stop() {
  for name in client.rgw.test osd.0 mon.a; do
    pidfile="$dir/run/$name.pid"
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill -CONT "$pid" 2>/dev/null || true
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  case "$dir" in
    /|"") ;;
    *) rm -rf "$dir" ;;
  esac
}

start() {
  for program in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph-authtool ceph; do
    command -v "$program" >/dev/null 2>&1 || { echo "s3-server: $program is missing (apt-get install radosgw ceph-mon ceph-osd ceph-common)" >&2; exit 1; }
  done
  mkdir -p "$dir"/{run,log,mon,osd}
  chmod 700 "$dir"
  local fsid mon_port rgw_port conf access secret
  fsid=$(python3 -c 'import uuid; print(uuid.uuid4())')
  mon_port=$(free_port)
  rgw_port=$(free_port)
  conf="$dir/ceph.conf"
  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = [v1:127.0.0.1:$mon_port]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr2 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon data avail warn = 1
mon data avail crit = 0
[mon.a]
mon data = $dir/mon
[osd.0]
osd data = $dir/osd
osd objectstore = memstore
memstore device bytes = ${KEEPSAKE_S3_MEMSTORE_BYTES:-6442450944}
osd max object size = 1073741824
[client.rgw.test]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $dir/rgw
rgw dns name = 127.0.0.1
# The usage log counts every request per user and bucket (the s3 benchmark reads it), flushed each second.
rgw enable usage log = true
rgw usage log tick interval = 1
rgw usage log flush threshold = 1
EOF
  ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$dir/keyring" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' >/dev/null
  ceph-authtool "$dir/keyring" --gen-key -n client.rgw.test --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
  chmod 600 "$dir/keyring"
  monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring" 2>>"$dir/log/setup.log"
  ceph-mon -c "$conf" -i a 2>>"$dir/log/setup.log"
  ceph -c "$conf" -n client.admin auth import -i "$dir/keyring" >/dev/null 2>>"$dir/log/setup.log"
  ceph -c "$conf" osd create >/dev/null 2>>"$dir/log/setup.log"
  ceph-osd -c "$conf" -i 0 --mkfs --keyring "$dir/keyring" 2>>"$dir/log/setup.log" >/dev/null
  ceph -c "$conf" osd crush add osd.0 1.0 host=localhost root=default >/dev/null 2>>"$dir/log/setup.log" || true
  ceph-osd -c "$conf" -i 0 2>>"$dir/log/setup.log"
  mkdir -p "$dir/rgw"
  radosgw -c "$conf" -n client.rgw.test --keyring "$dir/keyring" 2>>"$dir/log/setup.log"
  # radosgw answers HTTP once its pools exist (15-20 s on a quiet machine, a minute on a busy one: allow four).
  local up=0
  for _ in $(seq 1 480); do
    if curl -s -o /dev/null "http://127.0.0.1:$rgw_port/"; then up=1; break; fi
    sleep 0.5
  done
  if [ $up -ne 1 ]; then
    echo "s3-server: radosgw did not answer on 127.0.0.1:$rgw_port; logs in $dir/log" >&2
    tail -n 20 "$dir/log/"*.log >&2 || true
    exit 1
  fi
  access=$(python3 -c 'import secrets; print(secrets.token_hex(10).upper())')
  secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(30))')
  radosgw-admin -c "$conf" -n client.admin user create --uid=keepsake-test --display-name="Keepsake tests" \
    --access-key="$access" --secret-key="$secret" >/dev/null 2>>"$dir/log/setup.log"
  umask 077
  cat >"$dir/env" <<EOF
export KEEPSAKE_TEST_S3_ENDPOINT=http://127.0.0.1:$rgw_port
export KEEPSAKE_TEST_S3_ACCESS_KEY=$access
export KEEPSAKE_TEST_S3_SECRET_KEY=$secret
export KEEPSAKE_TEST_S3_RGW_PIDFILE=$dir/run/client.rgw.test.pid
export KEEPSAKE_TEST_S3_CONF=$conf
EOF
  echo "s3-server: radosgw on http://127.0.0.1:$rgw_port (environment in $dir/env)"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
