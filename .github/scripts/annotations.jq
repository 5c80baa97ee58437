# `newsroom check --format json` -> GitHub workflow commands, one annotation per problem:
#
#   jq -r -f .github/scripts/annotations.jq check.json
#
# The document is {"ok", "errors", "diagnostics": [...], "warnings": [...]}; each entry has
# path, line, column, end_column, message and help (or null). Entries of "diagnostics" are
# errors (they stop a publish); entries of "warnings" block nothing (problems of drafts, media
# no release names, stray files, timing worth a look), so they become ::warning (their
# "severity" field says "warning" too).
#
# Escaping follows GitHub's rules for workflow commands: in the message % -> %25,
# CR -> %0D, LF -> %0A; in a property value (file, title) also : -> %3A and , -> %2C.

def escape_data: gsub("%"; "%25") | gsub("\r"; "%0D") | gsub("\n"; "%0A");
def escape_property: escape_data | gsub(":"; "%3A") | gsub(","; "%2C");

def annotation($level; $title):
  "::\($level) file=\(.path | escape_property),line=\(.line),col=\(.column)"
  + (if .end_column > .column then ",endColumn=\(.end_column)" else "" end)
  + ",title=\($title | escape_property)::"
  + ((.message + (if .help then "\nhelp: \(.help)" else "" end)) | escape_data);

(.diagnostics[]? | annotation("error"; "newsroom check")),
(.warnings[]? | annotation("warning"; "newsroom check: warning (blocks nothing)"))
