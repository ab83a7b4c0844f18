#!/bin/sh
# `make demo`: slam's two tutorials, run for real against the local AWS, then `slam serve`.
# Each command is printed as typed, followed by what it prints (standard error too).
# Needs only Python with slam[local] first on PATH, as the Makefile's .venv provides: no AWS
# account, no curl. The local AWS and `slam serve` run in the background and are stopped
# at the end, or on any failure or Ctrl-C; a command that fails, or an answer that is not
# the one the tutorial expects, stops the demo with a non-zero exit code.
set -eu

examples=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/slam-demo.XXXXXX")
output="$scratch/.output"  # what the last command printed
aws_pid=
serve_pid=

fail() {
    printf '\ndemo: %s\n' "$*" >&2
    exit 1
}

# Stop what the demo started, by its pid, and remove the scratch folder.
finish() {
    status=$?
    set +e
    trap '' INT TERM  # a second Ctrl-C must not cut the stopping short
    for pid in $serve_pid $aws_pid; do
        kill -INT "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [ "$status" -ne 0 ] && [ "$status" -lt 128 ] && [ -s "$scratch/local-aws.log" ]; then
        printf '\ndemo: the last lines the local AWS printed:\n' >&2
        tail -n 15 "$scratch/local-aws.log" >&2
    fi
    rm -rf "$scratch"
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

section() {
    printf '\n\n== %s ==\n' "$*"
}

# A note for the reader, as shell comments: one argument a line.
say() {
    printf '\n'
    printf '# %s\n' "$@"
}

# The words of a command as a shell would need them typed: quoted when they must be.
typed() {
    line=
    for word; do
        case $word in
            '' | *[!A-Za-z0-9_./:=@%+,-]*)
                word="'$(printf '%s' "$word" | sed "s/'/'\\\\''/g")'"
                ;;
        esac
        line="$line${line:+ }$word"
    done
    printf '%s' "$line"
}

# Show what a command prints and keep it in $output. On Ctrl-C, it goes on showing what
# the command prints until the command stops ("slam: interrupted").
copy() (
    trap '' INT
    tee "$output"
)

# Show a command line and what it prints, keeping a copy in $output; stop if it fails.
# `run` takes the command's words, `run_line` a line of shell (a pipe, a heredoc).
run() {
    printf '\n$ %s\n' "$(typed "$@")"
    rm -f "$scratch/.failed"
    { "$@" 2>&1 || echo "$?" > "$scratch/.failed"; } | copy
    if [ -e "$scratch/.failed" ]; then
        fail "the command above exited with $(cat "$scratch/.failed")"
    fi
}

run_line() {
    printf '\n$ %s\n' "$1"
    rm -f "$scratch/.failed"
    { eval "$1" 2>&1 || echo "$?" > "$scratch/.failed"; } | copy
    if [ -e "$scratch/.failed" ]; then
        fail "the command above exited with $(cat "$scratch/.failed")"
    fi
}

# Stop unless what the last command printed holds this text.
expect() {
    grep -qF -- "$1" "$output" || fail "expected the command above to print: $1"
}

# Stop unless the last command printed exactly this line.
expect_line() {
    [ "$(cat "$output")" = "$1" ] || fail "expected the command above to print only: $1"
}

# Wait until a background process's log file has a line matching a pattern.
wait_for_line() {  # pid file pattern
    tries=0
    until grep -q -- "$3" "$2" 2>/dev/null; do
        kill -0 "$1" 2>/dev/null || { cat "$2" >&2; fail "it stopped before it was ready"; }
        tries=$((tries + 1))
        [ "$tries" -lt 1500 ] || { cat "$2" >&2; fail "it was not ready after 5 minutes"; }
        sleep 0.2
    done
}

# Show a command line that runs in the background, its output to a file, and start it.
start() {  # file command...
    log=$1
    shift
    printf '\n$ %s > %s 2>&1 &\n' "$(typed "$@")" "$log"
    "$@" > "$log" 2>&1 &
}

# Only the local AWS's variables must reach slam: not a profile, session token or config
# file of this machine's, which could name a real account.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_REGION
AWS_CONFIG_FILE="$scratch/.no-aws-config"
AWS_SHARED_CREDENTIALS_FILE="$scratch/.no-aws-credentials"
export AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE

cp "$examples/request.py" "$scratch/"
cd "$scratch"

section "The local AWS: AWS on this machine, for trying slam without an account"
say "It runs in the background, on any free port (0), its output going to a file."
start local-aws.log python -m slam.local.aws --port 0
aws_pid=$!
wait_for_line "$aws_pid" "$scratch/local-aws.log" '^Press Ctrl-C'
say "Its banner, in local-aws.log:"
cat "$scratch/local-aws.log"
say "Its variables, exported, send slam (and any AWS SDK) to it instead of AWS:"
exports=
while read -r word assignment; do
    case $word:$assignment in
        export:AWS_*=*)
            export "${assignment?}"
            exports="$exports $assignment"
            ;;
    esac
done < "$scratch/local-aws.log"
[ -n "${AWS_ENDPOINT_URL:-}" ] || fail "the local AWS printed no AWS_ENDPOINT_URL"
printf '\n$ export%s\n' "$exports"
endpoint=$AWS_ENDPOINT_URL

section "Basic tutorial: deploy a function"
mkdir "$scratch/fizzbuzz"
cp "$examples/fizzbuzz/fizzbuzz.py" "$examples/fizzbuzz/requirements.txt" "$scratch/fizzbuzz/"
cd "$scratch/fizzbuzz"
say "A new folder, with the tutorial's two files (from examples/fizzbuzz):"
run ls
run python3 fizzbuzz.py 15
expect_line "fizz buzz"
run slam init fizzbuzz:fizzbuzz
expect "The configuration file for your project has been generated."
run slam deploy
expect "fizzbuzz is deployed!"
run slam invoke number:=2
expect_line "2"
run slam invoke number:=12
expect_line "fizz"
run slam invoke number:=15
expect_line "fizz buzz"
run slam invoke number:=5
expect_line "buzz"
say "The stack's resources, from its CloudFormation template:"
run_line "slam template --format yaml | sed -n '/^Resources:/,/^Outputs:/p' | grep -E '^  [A-Za-z0-9]+:\$|^    Type:'"
expect "AWS::Lambda::Function"
run slam status
expect "dev:\$LATEST"
say "Nothing changed, so nothing to do:"
run slam deploy
expect "up to date"
run slam delete
expect "Deleting files..."

section "Advanced tutorial: deploy a Flask API with a DynamoDB table, in two stages"
mkdir "$scratch/tasks_api"
cp "$examples/tasks_api/tasks_api.py" "$examples/tasks_api/requirements.txt" "$scratch/tasks_api/"
cd "$scratch/tasks_api"
say "A new folder, with the tutorial's files (from examples/tasks_api):"
run ls
run slam init tasks_api:app --wsgi --stages dev,prod --dynamodb-tables tasks
run slam deploy
expect "tasks-api is deployed!"
run slam status
api_id=$(sed -n 's|^ *dev:[^ ]* https://\([a-z0-9]*\)\.execute-api\..*|\1|p' "$output")
[ -n "$api_id" ] || fail "slam status named no URL for the dev stage"
dev="$endpoint/_aws/execute-api/$api_id/dev"
prod="$endpoint/_aws/execute-api/$api_id/prod"
say "On AWS, the stages answer at the URLs above. On the local AWS, the same API answers at" \
    "  $dev" \
    "  $prod" \
    "request.py (from examples/) sends a request and prints the answer, with only Python's" \
    "standard library. The API asks for HTTP basic auth: user miguel, password python."
run python3 ../request.py -u miguel:python -d '{"title": "Try slam"}' "$dev/tasks"
expect "HTTP 201"
task_id=$(sed -n 's/^ *"id": "\([0-9a-f]*\)",*$/\1/p' "$output")
[ -n "$task_id" ] || fail "the new task has no id"
run python3 ../request.py -u miguel:python "$dev/tasks/$task_id"
expect '"title": "Try slam"'
run python3 ../request.py -u miguel:python "$dev/tasks"
expect "$task_id"
say "Freeze the code dev runs as version 1, for prod:"
run slam publish prod
expect "prod:1"
say "Add an endpoint to the app, and deploy it to dev:"
run_line "cat >> tasks_api.py <<'EOF'

@app.get(\"/hello\")
def hello() -> dict[str, str]:
    return {\"hello\": \"from the new code\"}
EOF"
run slam deploy
expect "dev:\$LATEST"
say "dev runs the new code; prod still runs version 1, which has no /hello:"
run python3 ../request.py "$dev/hello"
expect "from the new code"
run python3 ../request.py "$prod/hello"
expect "HTTP 404"
run python3 ../request.py "$prod/"
expect '"version": "1"'
say "The dev stage's logs of the last minute (--tail would follow them until Ctrl-C):"
run slam logs
expect "START RequestId"
say "The tables hold a task: --yes agrees to delete them."
run slam delete --yes
expect "Deleting files..."

section "Developing locally: slam serve"
say "slam serve runs a stage on this machine, from the package slam deploy would upload," \
    "with its tables in a local AWS of its own, and reloads on every edit. No AWS needed."
start ../serve.log slam serve --port 0
serve_pid=$!
wait_for_line "$serve_pid" "$scratch/serve.log" 'Ctrl-C stops it\.$'
say "Its banner, in ../serve.log:"
cat "$scratch/serve.log"
url=$(sed -n 's/^Serving .* at \(http[^ ]*\)$/\1/p' "$scratch/serve.log")
[ -n "$url" ] || fail "slam serve printed no URL"
run python3 ../request.py -u miguel:python -d '{"title": "Try slam serve"}' "${url}tasks"
expect "HTTP 201"
run python3 ../request.py "${url}hello"
expect "from the new code"
say "Ctrl-C stops it, with exit code 0; in the background, SIGINT does the same:"
run kill -INT "$serve_pid"
pid=$serve_pid
serve_pid=
wait "$pid" || fail "slam serve exited with $?"
say "What slam serve printed after its banner, in ../serve.log:"
sed '1,/Ctrl-C stops it\.$/d' "$scratch/serve.log"

section "Stopping the local AWS"
run kill -INT "$aws_pid"
pid=$aws_pid
aws_pid=
wait "$pid" || fail "the local AWS exited with $?"
say "What the local AWS printed since it started: one line per invocation and API request."
sed '1,/^Press Ctrl-C/d' "$scratch/local-aws.log"
printf '\nThe demo is over: everything it started has stopped.\n'
