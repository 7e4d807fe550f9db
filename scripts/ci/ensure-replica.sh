#!/usr/bin/env bash
# Makes the local PostgreSQL (the `main` cluster on 5432) stream to a hot-standby replica: a second
# cluster, `replica` on 5433, cloned with pg_basebackup -R through a physical replication slot.
# Idempotent, and never restarts the primary: it only adds a pg_hba replication line (then
# reloads) when missing. The primary's defaults already allow replication (wal_level=replica,
# max_wal_senders=10); the script checks them and stops if they do not.
set -euo pipefail

VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -n | tail -n1)}"
PRIMARY_PORT="${PG_PRIMARY_PORT:-5432}"
REPLICA_PORT="${PG_REPLICA_PORT:-5433}"
CLUSTER=replica
SLOT=asq_replica
CONF_DIR="/etc/postgresql/$VERSION/$CLUSTER"
DATA_DIR="/var/lib/postgresql/$VERSION/$CLUSTER"
PRIMARY_HBA="/etc/postgresql/$VERSION/main/pg_hba.conf"

as_postgres() { runuser -u postgres -- "$@"; }
primary_sql() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -XAtqc "$1"; }
replica_sql() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -XAtqc "$1"; }

check_primary() {
  local wal_level senders
  wal_level=$(primary_sql "SHOW wal_level")
  senders=$(primary_sql "SHOW max_wal_senders")
  if [[ "$wal_level" == minimal || "$senders" -lt 2 ]]; then
    echo "the primary needs wal_level=replica and max_wal_senders>=2 (a restart): wal_level=$wal_level max_wal_senders=$senders" >&2
    exit 1
  fi
}

allow_replication_connections() {
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$PRIMARY_HBA"; then
    echo "host replication all 127.0.0.1/32 trust" >>"$PRIMARY_HBA"
    primary_sql "SELECT pg_reload_conf()" >/dev/null
  fi
}

replica_streaming() {
  [[ "$(replica_sql "SELECT pg_is_in_recovery()" 2>/dev/null)" == t ]] &&
    [[ "$(primary_sql "SELECT count(*) FROM pg_stat_replication WHERE application_name = '$CLUSTER'")" -ge 1 ]]
}

create_replica() {
  # A half-made cluster (or a slot left behind by a removed one) is started over.
  if pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "$VERSION/$CLUSTER"; then
    pg_dropcluster --stop "$VERSION" "$CLUSTER"
  fi
  primary_sql "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots WHERE slot_name = '$SLOT' AND NOT active" >/dev/null
  pg_createcluster "$VERSION" "$CLUSTER" -p "$REPLICA_PORT" >/dev/null
  find "$DATA_DIR" -mindepth 1 -delete
  as_postgres pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA_DIR" -R -X stream -C -S "$SLOT" \
    -d "host=127.0.0.1 port=$PRIMARY_PORT user=postgres application_name=$CLUSTER"
  cp "$PRIMARY_HBA" "$CONF_DIR/pg_hba.conf"
  cat >"$CONF_DIR/conf.d/replica.conf" <<CONF
listen_addresses = '127.0.0.1'
hot_standby = on
# Long replica reads are not cancelled by the primary's vacuum; a paused replay (tests) waits.
hot_standby_feedback = on
max_standby_streaming_delay = -1
CONF
}

start_replica() {
  if ! pg_isready -h 127.0.0.1 -p "$REPLICA_PORT" -q; then
    pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start
  fi
  for _ in $(seq 60); do
    replica_streaming && return
    sleep 1
  done
  echo "the replica on port $REPLICA_PORT is not streaming from the primary" >&2
  exit 1
}

check_primary
allow_replication_connections
if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "$VERSION/$CLUSTER" || [[ ! -f "$DATA_DIR/standby.signal" ]]; then
  create_replica
fi
start_replica
# A replay left paused (e.g. by an interrupted test) would stall every replica read.
replica_sql "SELECT pg_wal_replay_resume()" >/dev/null
echo "PostgreSQL replica streaming on 127.0.0.1:$REPLICA_PORT"
