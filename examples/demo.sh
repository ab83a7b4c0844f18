#!/bin/sh
# `make demo`: the two tutorials, run for real in a scratch folder, showing each
# command and what slam prints. Needs `slam` on PATH (the Makefile's venv).
set -eu

examples=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/slam-demo.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

step() {
    printf '\n$ %s\n' "$*"
    "$@"
}

# a command line with a pipe, shown as typed
pipeline() {
    printf '\n$ %s\n' "$1"
    sh -c "$1"
}

echo "== Basic tutorial: deploy a function (in $scratch/fizzbuzz) =="
mkdir "$scratch/fizzbuzz"
cp "$examples/fizzbuzz/fizzbuzz.py" "$examples/fizzbuzz/requirements.txt" "$scratch/fizzbuzz/"
cd "$scratch/fizzbuzz"
step python fizzbuzz.py 15
step slam init fizzbuzz:fizzbuzz
step sed -n '/^name:/,/^requirements:/p' slam.yaml
step slam build
step slam build
pipeline "slam template --format yaml | grep -E '^  [A-Za-z0-9]+:\$|^    Type:'"

echo
echo "== Advanced tutorial: deploy a Flask API with DynamoDB (in $scratch/tasks_api) =="
mkdir "$scratch/tasks_api"
cp "$examples/tasks_api/tasks_api.py" "$examples/tasks_api/requirements.txt" "$scratch/tasks_api/"
cd "$scratch/tasks_api"
step slam init tasks_api:app --wsgi --stages dev,staging,prod --dynamodb-tables tasks
step sed -n '/^wsgi:/,$p' slam.yaml
step slam build
pipeline "echo '# a one-line change' >> tasks_api.py"
step slam build
pipeline "slam template --format yaml | grep -E '^  [A-Za-z0-9]+:\$|^    Type:'"
