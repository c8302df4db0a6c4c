#!/usr/bin/env bash
# Checks the comparison report files with the real tools, where they are installed (the unit tests check their
# structure with their own readers, test/report/parse.ts): compiles the LaTeX table with pdflatex (booktabs) and
# reads the table CSV and the tidy per-fold CSV with pandas. Makes a small experiment on iris in a scratch database:
# a comparison on two protocol seeds (so each method pools 5 folds × 2 seeds, enough for the Wilcoxon test).
#
#   PATH=<node 24>:$PATH scripts/check-report.sh      Debian: apt-get install texlive-latex-base texlive-latex-recommended python3-pandas
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
wb() { node "$root/bin/workbench.mjs" --db "$work/wb.sqlite" --json "$@"; }
runid() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).runId))'; }

wb samples add iris > /dev/null
first=$(wb compare --dataset iris --methods euclidean,lda,nca,mmc-diagonal --seed 0 | runid)
second=$(wb compare --dataset iris --methods euclidean,lda,nca,mmc-diagonal --seed 1 | runid)
runs="$first,$second"
for format in md tex csv tidy-csv; do
  wb report --runs "$runs" --format "$format" --out "$work/report.$format" > /dev/null
done
echo "== Markdown (runs $runs)"; cat "$work/report.md"

echo; echo "== pdflatex"
cat > "$work/paper.tex" <<TEX
\documentclass{article}
\usepackage[margin=1cm,landscape]{geometry}
\usepackage{booktabs}
\begin{document}
\input{report.tex}
\end{document}
TEX
(cd "$work" && pdflatex -interaction=nonstopmode -halt-on-error paper.tex > pdflatex.log) || { tail -30 "$work/pdflatex.log"; exit 1; }
grep -E '^Output written' "$work/pdflatex.log"
if grep -E '^(! |LaTeX Warning)' "$work/pdflatex.log"; then echo 'pdflatex reported problems'; exit 1; fi

echo; echo "== pandas"
/usr/bin/python3 - "$work/report.csv" "$work/report.tidy-csv" <<'PY'
import sys
import pandas as pd
table = pd.read_csv(sys.argv[1])
tidy = pd.read_csv(sys.argv[2])
print(f"pandas {pd.__version__}: table {table.shape}, tidy {tidy.shape}")
print(table[["method", "supervision", "seeds", "accuracy_mean", "accuracy_std", "p_vs_best_t", "p_vs_best_wilcoxon", "p_vs_euclidean_t", "p_vs_euclidean_wilcoxon"]].to_string())
print(tidy.dtypes.to_string())
acc = tidy[tidy.figure == "accuracy"].groupby("method")["value"].agg(["mean", "count"])
print(acc.to_string())
assert list(tidy.columns) == ["run_id", "method", "supervision", "fold", "figure", "value"]
assert tidy["value"].dtype == float and tidy["fold"].min() == 1
PY
echo; echo "check-report: OK"
