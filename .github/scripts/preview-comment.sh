#!/usr/bin/env bash
# The pull-request comment of .github/workflows/preview.yml, in Markdown on stdout: the
# staging address and a link to every release the pull request adds, changes or removes.
#
#   .github/scripts/preview-comment.sh BASE [NEWSROOM]
#
# BASE is the commit to compare with (in the workflow HEAD^1: the base branch's side of the
# pull request's merge commit); NEWSROOM the CLI (default target/release/newsroom). Run from
# the repository's root after `newsroom publish --remote --env staging`.
#
# A scheduled release (published_at in the future) and a draft get a secret link from
# `newsroom preview SLUG --env staging`, signed with PREVIEW_SECRET from the environment
# (the value given to `npx wrangler secret put PREVIEW_SECRET --env staging`); a release that
# is already public gets its plain address; an unfinished draft (one with problems) gets
# none. Which it is, is read from what `newsroom preview` prints on stderr: "is already
# public", "is a draft" ("... not uploaded" from a CLI that does not upload drafts, whose
# link would answer 404), "is an unfinished draft" or, from an older CLI, "unfinished
# draft(s) (`SLUG`, ...) left out" without a link.
set -euo pipefail

base=${1:?usage: preview-comment.sh BASE [NEWSROOM]}
newsroom=${2:-target/release/newsroom}

# BASE_URL of [env.staging.vars] in wrangler.toml (tomllib: Python 3.11+, on every runner).
staging=$(python3 -c 'import tomllib; print(tomllib.load(open("wrangler.toml", "rb"))["env"]["staging"]["vars"]["BASE_URL"].rstrip("/"))')

# The release files the pull request adds or changes (d: all but deletions) and removes
# (D). Without rename detection a renamed file is a removal plus an addition, as for readers.
changed() {
  git diff --no-renames --name-only --diff-filter="$1" "$base" HEAD -- ':(icase)content/releases/*.md'
}
# The file name without `.md` (or `.MD`, which newsroom reads too).
slug_of() { local name; name=$(basename "$1"); echo "${name%.[mM][dD]}"; }

echo '<!-- newsroom-preview -->'
echo '### Preview on staging'
echo
# HEAD_SHA: the pull request's own commit, as its readers know it (default: HEAD).
head=${HEAD_SHA:-$(git rev-parse HEAD)}
echo "Published to $staging: this pull request at ${head:0:7}, merged with its base branch."
echo

mapfile -t files < <(changed d)
mapfile -t removed < <(changed D)
if [ ${#files[@]} -eq 0 ] && [ ${#removed[@]} -eq 0 ]; then
  echo 'This pull request adds, changes or removes no release.'
fi

out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
for file in "${files[@]}"; do
  slug=$(slug_of "$file")
  if [ -z "${PREVIEW_SECRET:-}" ]; then
    echo "- [\`$slug\`]($staging/releases/$slug) (no secret preview link: the repository secret PREVIEW_SECRET is not set; a scheduled release answers 404 until its time)"
    continue
  fi
  status=0
  "$newsroom" preview "$slug" --env staging >"$out" 2>"$err" || status=$?
  # stdout may hold the drafts' warnings before the link: the link is its last line.
  link=$(grep -E '^https?://' "$out" | tail -n 1 || true)
  if [ "$status" -ne 0 ] || [ -z "$link" ]; then
    if grep -q -e "\`$slug\` is an unfinished draft" -e "unfinished drafts\? (.*\`$slug\`" "$err"; then
      echo "- \`$slug\`: an unfinished draft: fix what the check's warnings show to get a preview link"
    else
      echo "- \`$slug\`: no link: $(tail -n 1 "$err")"
    fi
  elif grep -q 'is a draft.*not uploaded' "$err"; then
    # A CLI that does not upload drafts: its link would answer 404.
    echo "- \`$slug\`: a draft (\`draft = true\`), not uploaded, so it has no preview; delete the \`draft = true\` line to get one"
  elif grep -q 'is a draft' "$err"; then
    echo "- [\`$slug\`]($link): draft (\`draft = true\`), **secret preview link** valid for 72 hours; never listed or published until that line is deleted"
  elif grep -q 'is already public' "$err"; then
    echo "- [\`$slug\`]($staging/releases/$slug): public"
  else
    echo "- [\`$slug\`]($link): scheduled, **secret preview link** valid for 72 hours (it shows the release with an embargo banner; share it like the release itself)"
  fi
done
for file in "${removed[@]}"; do
  slug=$(slug_of "$file")
  # What the publish said of it (PUBLISH_LOG: its log): cancelled before its moment (a 404,
  # no trace) or withdrawn after it (410 Gone).
  said=$(grep -F "removed  $slug: " "${PUBLISH_LOG:-/dev/null}" 2>/dev/null | head -n 1 | sed "s/^.*removed  $slug: //" || true)
  echo "- \`$slug\`: removed: ${said:-see the publish log for what its address answers}"
done

echo
echo 'Staging is shared: it shows the content of the pull request published there last. If the links show'
echo "another pull request's content, push a new commit (or re-run this workflow) to publish this one again."
