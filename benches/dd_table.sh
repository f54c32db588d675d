#!/usr/bin/env bash
# The `dd` engine's figures for BENCHMARKS.md: each workload of §1 on the
# default engine (one job), on `--engine dd` with one worker, two workers
# and two processes over loopback (time and peak memory of each process,
# and the bytes the two exchanged), and transitive closure written by hand
# on differential dataflow (`dd_tc`) beside the TC workloads, all run one
# after the other in the same minutes.
#
#   bash benches/dd_table.sh [WORKLOAD...]
#
# Bytes exchanged are the growth of the loopback interface's received
# bytes (/proc/net/dev) over the two-process run: what one process sent
# the other, framing included; run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release --features dd
cargo build -q --release -p entente-bench --features dd --bin dd_tc --bin workload
bin=target/release
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# "seconds s, megabytes MB" of a command whose output goes nowhere.
measure() {
    /usr/bin/time -f "%e %M" -o "$dir/time" "$@" > /dev/null
    awk '{ printf "%.2f s, %d MB", $1, $2 / 1024 }' "$dir/time"
}

lo_bytes() {
    awk '/^ *lo:/ { sub(/^ *lo:/, ""); print $1 }' /proc/net/dev
}

# A command on two processes over loopback on free ports (its cluster
# options added): "process 0's figures / process 1's | bytes exchanged".
two_processes() {
    local port before after first second
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    printf '127.0.0.1:%s\n127.0.0.1:%s\n' "$port" "$((port + 1))" > "$dir/hosts"
    before=$(lo_bytes)
    /usr/bin/time -f "%e %M" -o "$dir/time1" "$@" --processes 2 --process 1 --hosts "$dir/hosts" > /dev/null &
    first=$(measure "$@" --processes 2 --process 0 --hosts "$dir/hosts")
    wait
    after=$(lo_bytes)
    second=$(awk '{ printf "%.2f s, %d MB", $1, $2 / 1024 }' "$dir/time1")
    printf '%s / %s | %s' "$first" "$second" "$(echo $((after - before)) | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')"
}

workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(tc_chain tc_random same_generation andersen negation)
echo "| workload | default, 1 job | dd, 1 worker | dd, 2 workers | dd, 2 processes (process 0 / 1) | bytes exchanged | dd_tc, 1 worker | dd_tc, 2 workers | dd_tc, 2 processes | its bytes |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for w in "${workloads[@]}"; do
    rules="$dir/$w.rules"
    "$bin/workload" "$w" > "$rules"
    # (`tc_random_10k` derives 63 million facts, past the default limit.)
    row="| $w | $(measure "$bin/entente" run "$rules" --max-facts 100000000 --jobs 1)"
    row+=" | $(measure "$bin/entente" run "$rules" --max-facts 100000000 --engine dd --workers 1)"
    row+=" | $(measure "$bin/entente" run "$rules" --max-facts 100000000 --engine dd --workers 2)"
    row+=" | $(two_processes "$bin/entente" run "$rules" --max-facts 100000000 --engine dd)"
    case $w in
        tc_*)
            row+=" | $(measure "$bin/dd_tc" "$w" --workers 1) | $(measure "$bin/dd_tc" "$w" --workers 2)"
            row+=" | $(two_processes "$bin/dd_tc" "$w") |"
            ;;
        *) row+=" | | | | |" ;;
    esac
    echo "$row"
done
