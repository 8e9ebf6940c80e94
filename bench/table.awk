# bench/table.awk: turns the drivers' output into the Markdown tables of
# bench/RESULTS.md. bench/run calls it as
#
#   awk -f bench/table.awk SPEC OUT/side.case.txt ...
#
# The first file, SPEC, says what to show, one line per row, fields
# separated by '|':
#   R|table|figure|set|case|stat|storcat metric|libvirt metric|limit metric|note
#       a row of a table: the medians (stat "median", with min-max) or the
#       99th percentiles (stat "p99") of the metrics in the files
#       storcat.CASE.txt and libvirt.CASE.txt; the limit's metric is read
#       from storcat.CASE.txt (bench_storcat measures the limits).
#       An empty or "-" metric leaves its cell empty.
#   T|target|what|side:case:metric:stat|side:case:metric:stat or const:X|bound[|diff]
#       a target: met when the first figure divided by the second (with
#       "diff": the first minus the second) is at most bound.
# The other files hold the drivers' lines: "name median min max p99 unit
# reps", "# name: text" notes; their names give the side and the case.

function fmt(v) {
    if (v == "-" || v == "")
        return v
    v += 0
    if (v >= 1000) return sprintf("%.0f", v)
    if (v >= 100) return sprintf("%.1f", v)
    if (v >= 10) return sprintf("%.2f", v)
    return sprintf("%.3g", v)
}

function unitname(u) {
    return u == "us" ? "µs" : u
}

function cell(side, c, m, stat,   k) {
    k = side SUBSEP c SUBSEP m
    if (m == "" || m == "-")
        return ""
    if (!(k in med))
        return "n/a"
    if (unit[k] == "refused")
        return "refused: " note[k]
    if (stat == "p99")
        return fmt(p99[k]) " " unitname(unit[k])
    if (reps[k] > 1 && unit[k] != "us")
        return fmt(med[k]) " " unitname(unit[k]) " (" fmt(mn[k]) "–" fmt(mx[k]) ")"
    return fmt(med[k]) " " unitname(unit[k])
}

function value(side, c, m, stat,   k) {
    k = side SUBSEP c SUBSEP m
    if (m == "" || m == "-" || !(k in med) || unit[k] == "refused")
        return ""
    return stat == "p99" ? p99[k] : med[k]
}

function ratio(a, b,   r) {
    if (a == "" || b == "" || b + 0 == 0)
        return ""
    r = a / b
    if (r < 1)
        return sprintf("%.3g (%.1f× faster)", r, 1 / r)
    return sprintf("%.3g (%.1f× slower)", r, r)
}

# One "side:case:metric:stat" or "const:X" figure of a target.
function figure(spec,   f) {
    split(spec, f, ":")
    if (f[1] == "const")
        return f[2]
    return value(f[1], f[2], f[3], f[4])
}

FNR == NR {
    if ($0 ~ /^R\|/) {
        nrows++
        row[nrows] = $0
    } else if ($0 ~ /^T\|/) {
        ntargets++
        target[ntargets] = $0
    }
    next
}

FNR == 1 {
    base = FILENAME
    sub(/.*\//, "", base)
    split(base, part, ".")
    side = part[1]
    c = part[2]
}

/^# [a-z_0-9]+: / {
    m = $2
    sub(/:$/, "", m)
    t = $0
    sub(/^# [a-z_0-9]+: /, "", t)
    note[side, c, m] = t
    next
}

/^#/ { next }

NF >= 7 {
    k = side SUBSEP c SUBSEP $1
    med[k] = $2; mn[k] = $3; mx[k] = $4; p99[k] = $5; unit[k] = $6; reps[k] = $7
}

END {
    FS = "|"
    table = ""
    for (i = 1; i <= nrows; i++) {
        n = split(row[i], f, "|")
        if (f[2] != table) {
            table = f[2]
            printf "\n### %s\n\n", table
            print "| figure | set | storcat | libvirt | limit | storcat/libvirt | storcat/limit | note |"
            print "|---|---|---|---|---|---|---|---|"
        }
        c = f[5]; stat = f[6]
        s = value("storcat", c, f[7], stat)
        l = value("libvirt", c, f[8], stat)
        lim = value("storcat", c, f[9], stat)
        printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", f[3], f[4],
            cell("storcat", c, f[7], stat), cell("libvirt", c, f[8], stat),
            cell("storcat", c, f[9], stat), ratio(s, l), ratio(s, lim), f[10]
    }
    if (ntargets) {
        print "\n### Targets (issue 4)\n"
        print "| target | figure | value | bound | verdict |"
        print "|---|---|---|---|---|"
    }
    for (i = 1; i <= ntargets; i++) {
        split(target[i], f, "|")
        a = figure(f[4]); b = figure(f[5]); bound = f[6]
        if (a == "" || b == "" || (f[7] != "diff" && b + 0 == 0)) {
            printf "| %s | %s | n/a | ≤ %s | not measured |\n", f[2], f[3], bound
            continue
        }
        if (f[7] == "diff") {
            r = a - b
            if (r <= bound + 0)
                verdict = "**met**"
            else
                verdict = sprintf("**missed** (by %.3g)", r - bound)
        } else {
            r = a / b
            if (r <= bound + 0)
                verdict = "**met**"
            else
                verdict = sprintf("**missed** (%.2f× over the bound)", r / bound)
        }
        printf "| %s | %s | %.3g | ≤ %s | %s |\n", f[2], f[3], r, bound, verdict
    }
}
