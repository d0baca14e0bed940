# Helpers shared by scripts/bench, scripts/bench-dlt and scripts/bench-workers; sourced, not run.
# The caller sets DATABASE_URL, bin (the directory of the built executables) and work (a scratch
# directory), and keeps `sim` (the running simulator's pid, or empty) for its cleanup trap.

psql_q() { psql "$DATABASE_URL" -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", (b > 0 ? 100 * a / b : 0) }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
# speedup A B: B / A with one decimal (a speed-up).
speedup() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a > 0 ? b / a : 0) }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
# Peak RSS in kB from the `/usr/bin/time -v` output in $work/time.txt.
rss_kb() { awk -F: '/Maximum resident/ { gsub(/ /, "", $2); print $2 }' "$work/time.txt"; }

# start_sim CUSTOMERS LATENCY_MS [more simulator flags]: (re)starts the simulator on a free port,
# sets `sim` and `api` (its base URL). The seed is fixed so that runs compare like with like.
start_sim() {
    [[ -n "$sim" ]] && { kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null || true; }
    local count="$1" latency="$2"; shift 2
    "$bin/customers-sim" --port 0 --customers "$count" --seed "${sim_seed:-3}" --token bench-token --latency-ms "$latency" "$@" >"$work/sim.log" 2>&1 &
    sim=$!
    for _ in $(seq 1 3000); do grep -q "listening on" "$work/sim.log" && break; sleep 0.1; done
    api="$(grep -o 'http://[0-9.:]*' "$work/sim.log" | head -1)"
    [[ -n "$api" ]] || { cat "$work/sim.log" >&2; exit 1; }
}
