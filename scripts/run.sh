#!/usr/bin/env bash
# Runs Capstan's main job on a fresh Debian machine: installs what it needs, builds, starts the embedded
# cluster and, against it, every controller (Applications in the namespace argocd, Rollouts in every
# namespace, AnalysisRuns beside them), so a Rollout or an Application can be applied at once. Extra arguments
# go to `capstan cluster`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product capstan
capstan=.build/release/capstan

data_dir=.capstan
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --data-dir) data_dir="${args[i + 1]:-$data_dir}" ;;
    --data-dir=*) data_dir="${args[i]#--data-dir=}" ;;
  esac
done

# Simulated Service traffic metrics on 9464 for Prometheus (analysis), unless the caller chose a port.
metrics=(--metrics-port 9464)
for arg in "$@"; do [[ "$arg" == --metrics-port* ]] && metrics=(); done
"$capstan" cluster "${metrics[@]}" "$@" &
cluster=$!
controller=""
trap 'kill $cluster $controller 2>/dev/null || true' EXIT INT TERM

# The controllers start once the server answers with the kubeconfig it wrote.
for _ in $(seq 1 300); do
  if [[ -f "$data_dir/kubeconfig" ]] && kubectl --kubeconfig "$data_dir/kubeconfig" get --raw /readyz >/dev/null 2>&1; then
    break
  fi
  kill -0 "$cluster" 2>/dev/null || { wait "$cluster"; exit 1; }
  sleep 0.2
done
"$capstan" controller --kubeconfig "$data_dir/kubeconfig" -n argocd &
controller=$!
wait -n "$cluster" "$controller"
