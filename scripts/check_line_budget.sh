#!/usr/bin/env bash
# Fails, listing each one, when a source file (*.cc, *.h, *.py, *.sh, *.cmake,
# CMakeLists.txt) is over the line budget (default 600), so files stay small
# enough to read in one sitting. Directories named build*, out and .git are
# not sources.
#   scripts/check_line_budget.sh [max_lines]
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-600}"
over=0
while IFS= read -r -d '' file; do
  lines=$(wc -l <"$file")
  if [ "$lines" -gt "$budget" ]; then
    echo "${file#./}: $lines lines (budget $budget)"
    over=$((over + 1))
  fi
done < <(find . -type d \( -name 'build*' -o -name out -o -name .git \) \
  -prune -o -type f \( -name '*.cc' -o -name '*.h' -o -name '*.py' \
  -o -name '*.sh' -o -name '*.cmake' -o -name CMakeLists.txt \) -print0)
if [ "$over" -gt 0 ]; then
  echo "check_line_budget: $over file(s) over $budget lines; split them by topic"
  exit 1
fi
echo "check_line_budget: every source file is within $budget lines"
