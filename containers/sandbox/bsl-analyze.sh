#!/bin/sh
# bsl-analyze SRC OUT: bsl-language-server's analyzer over a .bsl/.os file or a configuration export
# folder, JSON report in OUT/bsl-json.json (the json reporter's file). A single file is analysed in a
# folder of its own, since the analyzer takes a source directory.
set -eu
src="$1"; out="$2"
[ -e "$src" ] || { echo "bsl-analyze: $src: no such file or directory" >&2; exit 2; }
mkdir -p "$out"
if [ -f "$src" ]; then
  dir="$(mktemp -d)"; cp "$src" "$dir/"; src="$dir"
fi
cd "$out"
exec java -Xmx1g -jar /opt/bsl-language-server.jar --analyze --srcDir "$src" --reporter json --outputDir "$out" >/dev/null
