#!/bin/bash
# make lint: the docs name only code that exists. Checks, in README.md and
# docs/*.md:
#   path/file.c:function   the file exists and defines or calls function(
#   `function()`           some source file has function( outside a comment
# Prints each name that is missing and exits 1 if there is one.
cd "$(dirname "$0")/.." || exit 1
docs=(README.md docs/*.md)
bad=0

# Lines of code (not comment lines) that contain NAME( in the given files.
has_code() { # has_code NAME FILE...
	local name=$1
	shift
	grep -hE "(^|[^A-Za-z0-9_])$name\(" "$@" 2>/dev/null |
		grep -qvE '^[[:space:]]*(\*|/\*|//)'
}

while read -r ref; do
	file=${ref%%:*} fn=${ref#*:}
	if [ ! -f "$file" ]; then
		echo "docs: $ref: no file $file"
		bad=1
	elif ! has_code "$fn" "$file"; then
		echo "docs: $ref: $file has no $fn()"
		bad=1
	fi
done < <(grep -ohE '\b(arch|mm|kernel|drivers|tests|tools)/[A-Za-z0-9_./-]+\.[chS]:[A-Za-z_][A-Za-z0-9_]*' "${docs[@]}" | sort -u)

mapfile -t sources < <(git ls-files '*.c' '*.h' '*.S')
while read -r fn; do
	if ! has_code "$fn" "${sources[@]}"; then
		echo "docs: \`$fn()\` is named but no source file has it"
		bad=1
	fi
done < <(grep -ohE '`[A-Za-z_][A-Za-z0-9_]*\(\)`' "${docs[@]}" | tr -d '`()' | sort -u)

[ $bad = 0 ] && echo "docs: every file:function and function() the docs name exists"
exit $bad
