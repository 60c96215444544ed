#!/usr/bin/env bash
# `make lint`: ruff (lint and format check) and pylint-odoo on the add-on.
source "$(dirname "$0")/lib.sh"

init_env
cd "$ROOT"
mapfile -t files < <(git ls-files '*.py' 2>/dev/null || find . -name '*.py' -not -path './.local/*')
"$PY" -m ruff check "${files[@]}"
"$PY" -m ruff format --check "${files[@]}"
link_module
cd "$ADDONS_LINK_DIR"
"$PY" -m pylint --rcfile="$ROOT/.pylintrc" \
    --disable=manifest-required-author,missing-readme,website-manifest-key-not-valid-uri,manifest-maintainers-list \
    "$MODULE"
say "lint: clean"
