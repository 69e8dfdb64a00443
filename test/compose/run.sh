#!/usr/bin/env bash
# npm run test:compose: builds docker/Dockerfile's two images, runs docker-compose.yml's stack on this machine
# and checks it from outside (stack.e2e.ts). No image registry is reachable here, so the base images are
# stand-ins built first (standins/): a debootstrapped bookworm as debian:bookworm-slim, with this machine's
# Node as node:20-slim and with Debian's redis-server as redis:7; a base image the engine already has and did
# not get from here is used as it is. The bookworm root and, when this script starts the engine, the engine's
# images and layer cache stay in OCELLUS_DOCKER_CACHE (default /var/cache/ocellus-docker), outside the clone.
# A running dockerd is used and left running; one this script starts, it stops.
set -euo pipefail
cd "$(dirname "$0")/../.."
begin=$SECONDS
cache=${OCELLUS_DOCKER_CACHE:-/var/cache/ocellus-docker}
# The suffix names the recipe in make_rootfs: change it with the recipe.
rootfs="$cache/bookworm-minbase-1.tar"
work=$(mktemp -d)
dockerd_pid=""
stack=""

export COMPOSE_FILE=docker-compose.yml:test/compose/docker-compose.test.yml
export COMPOSE_PROJECT_NAME="ocellus-compose-$$"
export OCELLUS_TAG=compose-test
OCELLUS_ADMIN_KEYS="compose-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
port=$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")
export OCELLUS_ADMIN_KEYS OCELLUS_PUBLISH="127.0.0.1:$port" OCELLUS_COMPOSE_URL="http://127.0.0.1:$port"

say() { printf '[test:compose %4ds] %s\n' "$((SECONDS - begin))" "$*"; }

cleanup() {
  local status=$?
  if [ -n "$stack" ]; then docker-compose down --volumes --remove-orphans >/dev/null 2>&1 || true; fi
  if [ -n "$dockerd_pid" ]; then
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$dockerd_pid" 2>/dev/null; then
      say "dockerd did not stop in 60 s: killing it"
      kill -KILL "$dockerd_pid" 2>/dev/null || true
    fi
    say "stopped the dockerd this script started"
  fi
  rm -rf "$work"
  say "finished in $((SECONDS - begin)) s (exit $status)"
}
trap cleanup EXIT

# Runs a step quietly; on failure shows the end of its output.
quietly() {
  local log="$work/step.log"
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log"
    say "failed: $*"
    return 1
  fi
}

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  quietly apt-get update
  quietly env DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends "${missing[@]}"
fi

if docker info >/dev/null 2>&1; then
  say "using the Docker engine already running"
else
  mkdir -p "$cache/engine"
  dockerd --data-root "$cache/engine" >"$cache/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  if ! docker info >/dev/null 2>&1; then
    tail -n 40 "$cache/dockerd.log"
    exit 1
  fi
  say "started dockerd (pid $dockerd_pid, data in $cache/engine)"
fi

# A bookworm minbase, slimmed as the official -slim images are (no docs, man pages, locales or apt caches).
make_rootfs() {
  local root="$work/rootfs"
  quietly debootstrap --variant=minbase bookworm "$root"
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  printf 'path-exclude /usr/share/%s/*\n' doc man info locale >"$root/etc/dpkg/dpkg.cfg.d/docker"
  rm -rf "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
  mkdir -p "$cache"
  tar --numeric-owner -C "$root" -cf "$rootfs.partial" .
  mv "$rootfs.partial" "$rootfs"
}

# True when the engine has `image` and it is not one of these stand-ins: a real one, used as it is.
genuine() {
  [ -n "$(docker image ls --quiet "$1")" ] && [ -z "$(docker image ls --quiet --filter label=org.ocellus.standin "$1")" ]
}

t=$SECONDS
if [ -z "$(docker image ls --quiet debian:bookworm-slim)" ]; then
  if [ ! -f "$rootfs" ]; then
    say "debootstrapping bookworm into $rootfs (once)"
    make_rootfs
  fi
  quietly docker import --change 'LABEL org.ocellus.standin=1' --change 'CMD ["bash"]' "$rootfs" debian:bookworm-slim
fi
if ! genuine node:20-slim; then
  mkdir "$work/node"
  cp "$(readlink -f "$(command -v node)")" "$work/node/node"
  cp -R "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$work/node/npm"
  cp "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$work/node/ca-certificates.crt"
  quietly docker build --label org.ocellus.standin=1 --tag node:20-slim --file test/compose/standins/node.Dockerfile "$work/node"
fi
if ! genuine redis:7; then
  quietly docker build --label org.ocellus.standin=1 --tag redis:7 --file test/compose/standins/redis.Dockerfile test/compose/standins
fi
say "base images ready in $((SECONDS - t)) s"

t=$SECONDS
quietly docker-compose build
build_s=$((SECONDS - t))
say "built ocellus-api and ocellus-trainer in $build_s s"
if [ -n "$dockerd_pid" ]; then
  # Old builds' stages nothing refers to any more: the engine's data is this script's, so keep it bounded.
  quietly docker image prune --force --filter until=72h
fi

quietly npx turbo run build --filter=@ocellus/e2e-tests^... --output-logs=errors-only
stack=up
export OCELLUS_COMPOSE_LOGS="$cache/compose.log"
rm -f "$OCELLUS_COMPOSE_LOGS"
if ! (cd test && npx vitest run --config compose/vitest.config.ts); then
  if [ -f "$OCELLUS_COMPOSE_LOGS" ]; then
    say "the stack's last warnings and errors (all its logs: $OCELLUS_COMPOSE_LOGS)"
    grep -E '"level":(40|50|60)' "$OCELLUS_COMPOSE_LOGS" | tail -n 40 || true
  fi
  exit 1
fi
stack=""

sizes=""
for image in ocellus-api ocellus-trainer; do
  bytes=$(docker image inspect --format '{{.Size}}' "$image:$OCELLUS_TAG")
  sizes+="$image $((bytes / 1000000)) MB, "
done
say "images: ${sizes%, }; build $build_s s"
