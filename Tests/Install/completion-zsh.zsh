#!/usr/bin/env zsh
# Completes LINE in an interactive zsh (under zpty) with completions/_swnuma
# on fpath and DIR first on PATH, and prints what the terminal shows after
# TAB: the edited line, and any list of matches above it.
#
#   Tests/Install/completion-zsh.zsh REPO DIR LINE
zmodload zsh/zpty || exit 2
repo=$1 bin_dir=$2 line=$3
zpty z 'TERM=dumb zsh -f -i'
zpty -w z "PS1='> '; fpath=(${(q)repo}/completions \$fpath); autoload -U compinit; compinit -u -D; PATH=${(q)bin_dir}:\$PATH; cd ${(q)repo}"
sleep 1
zpty -w -n z "$line"$'\t'
sleep 2
local all= chunk
while zpty -r -t z chunk 2> /dev/null; do all+=$chunk; done
zpty -d z
print -r -- "${all//$'\r'/}" | tail -2
