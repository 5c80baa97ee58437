#!/usr/bin/env bash
# The local newsroom's content (`make dev`, `make kv`): content/ as it is, plus the
# software's own example of a video with captions (examples/video/: an example publisher and
# release, clearly marked, with a test pattern made now by scripts/test-video.sh), so a
# newcomer sees one working video. `make publish` never includes it. Prints the folder.
#
#   scripts/dev-content.sh [OUT]     (default target/dev-content)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/dev-content}
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -r content "$out"
video="$out/media/esimerkki/testikuva.mp4"
if { [ -s target/dev-example/testikuva.mp4 ] && [ -s target/dev-example/testikuva.vtt ]; } ||
  scripts/test-video.sh target/dev-example/testikuva.mp4 8 >/dev/null; then
  mkdir -p "$(dirname "$video")"
  cp target/dev-example/testikuva.mp4 target/dev-example/testikuva.vtt "$(dirname "$video")/"
  cp examples/video/publishers/*.toml "$out/publishers/"
  cp examples/video/releases/*.md "$out/releases/"
else
  echo "dev-content: no example video (ffmpeg from npm runs on Linux x64 only); content/ as it is" >&2
fi
echo "$out"
